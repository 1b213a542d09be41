"""Registering a person is one statement, on a real database and without a service process: no
BEGIN or COMMIT (it writes once and publishes nothing); a number already registered writes no
second person and logs the refusal, which names the person."""
import pytest

from services.registry.main import SERVICE
from services.registry.usecases import persons
from shared.access import grant_for
from shared.clock import AdjustableClock
from shared.db import create_pool, migrate
from shared.errors import DomainError
from shared.outbox import Outbox
from shared.principal import Principal
from shared.unit_of_work import Work
from tests import clock
from tests.pins import make_pin

ANNA = grant_for(Principal(sub="anna", roles=["caseworker"], unit="vuxen"), "registry:person.create")


@pytest.fixture
async def work(env):
    pool = await create_pool(env.database_url, "registry", min_size=1, max_size=1)   # one connection: the logger's
    await migrate(pool, "registry", SERVICE.migrations)
    service_clock = AdjustableClock(clock.OFFSET)
    try:
        yield Work(pool, Outbox("registry", env.settings, service_clock), service_clock, env.settings)
    finally:
        await pool.close()


def register(work: Work, pin: str):
    return persons.register_person(work(), ANNA, pin=pin, first_name="Karin", last_name="Berg")


async def test_registering_is_one_statement(work):
    await register(work, make_pin())   # asyncpg learns the statement's types once
    statements: list[str] = []
    async with work.pool.acquire() as conn:
        conn.add_query_logger(lambda record: statements.append(record.query.strip()))
    pin = make_pin()
    person = await register(work, pin)
    assert len(statements) == 1 and statements[0].startswith("INSERT INTO persons"), statements
    assert await work.pool.fetchval("SELECT first_name FROM persons WHERE id = $1", person.record["id"]) == "Karin"

    statements.clear()
    with pytest.raises(DomainError) as exists:
        await register(work, pin)
    assert exists.value.code == "person_exists"
    assert await work.pool.fetchval("SELECT count(*) FROM persons WHERE pin = $1", person.record["pin"]) == 1
    assert any("outbox" in s for s in statements), statements   # the refusal's access-log entry
