"""Writes of one statement without a transaction (ADR 0031), on a real database and without a
service process. Registering a person is one statement (it publishes nothing); a number already
registered writes no second person and logs the refusal, which names the person. Opening a case
is two: the person read, then the case and its `case.opened` in the outbox together; a retry's
Idempotency-Key already used records neither."""
import json
import uuid

import pytest

from services.registry.main import SERVICE
from services.registry.usecases import cases, persons
from shared.access import grant_for
from shared.errors import DomainError
from shared.events.catalog import CaseClosed
from shared.principal import Principal
from shared.unit_of_work import Work
from tests import clock
from tests.integration.units import logged_statements, one_connection_work
from tests.pins import make_pin

ANNA = grant_for(Principal(sub="anna", roles=["caseworker"], unit="vuxen"), "registry:person.create")
OPENER = grant_for(Principal(sub="anna", roles=["caseworker"], unit="vuxen"), "registry:case.open")


@pytest.fixture
async def work(env):
    async with one_connection_work(env, SERVICE) as work:
        yield work


def register(work: Work, pin: str):
    return persons.register_person(work(), ANNA, pin=pin, first_name="Karin", last_name="Berg")


async def test_registering_is_one_statement(work):
    await register(work, make_pin())   # asyncpg learns the statement's types once
    statements = await logged_statements(work)
    pin = make_pin()
    person = await register(work, pin)
    assert len(statements) == 1 and statements[0].startswith("INSERT INTO persons"), statements
    assert await work.pool.fetchval("SELECT first_name FROM persons WHERE id = $1", person.record["id"]) == "Karin"

    with pytest.raises(DomainError) as exists:
        await register(work, pin)
    assert exists.value.code == "person_exists"
    assert await work.pool.fetchval("SELECT count(*) FROM persons WHERE pin = $1", person.record["pin"]) == 1
    assert await work.pool.fetchval("SELECT count(*) FROM access_log WHERE action = 'register_refused'"
                                    " AND person_id = $1", person.record["id"]) == 1   # the refusal names them


async def test_opening_a_case_writes_it_and_its_event_in_one_statement(work):
    person = await register(work, make_pin())
    await cases.open_case(work(), OPENER, unit="vuxen", kind="SoL", person_id=person.record["id"])  # types learnt
    statements = await logged_statements(work)
    case = await cases.open_case(work(), OPENER, unit="vuxen", kind="SoL", person_id=person.record["id"])
    assert len(statements) == 2, statements
    assert statements[1].startswith("WITH written AS (INSERT INTO cases")
    event = await work.pool.fetchrow("SELECT type, key, subject, data FROM outbox WHERE key = $1", str(case["id"]))
    data = json.loads(event["data"]) if isinstance(event["data"], str) else event["data"]
    assert (event["type"], event["subject"]) == ("case.opened", f"case/{case['id']}")
    assert (data["case_id"], data["person_id"], data["unit"], data["caseworker"], data["opened_on"]) == (
        str(case["id"]), str(person.record["id"]), "vuxen", "anna", case["opened_on"].isoformat())

    # A key already used: no second case, no second event.
    outbox = await work.pool.fetchval("SELECT count(*) FROM outbox")
    first, opened = await cases.open_case_once(work(), OPENER, key="k-1", unit="vuxen", kind="SoL",
                                               person_id=person.record["id"])
    again = await cases.open_case(work(), OPENER, unit="vuxen", kind="SoL", person_id=person.record["id"],
                                  idempotency_key="k-1", request_hash="other")
    assert opened and again is None
    assert await work.pool.fetchval("SELECT count(*) FROM outbox") == outbox + 1
    assert await work.pool.fetchval("SELECT count(*) FROM cases WHERE idempotency_key = 'k-1'") == 1

    # An unknown person: nothing written.
    with pytest.raises(DomainError) as unknown:
        await cases.open_case(work(), OPENER, unit="vuxen", kind="SoL", person_id=uuid.uuid4())
    assert unknown.value.code == "person_not_found"
    assert await work.pool.fetchval("SELECT count(*) FROM outbox") == outbox + 1


async def test_inside_a_unit_what_was_published_before_the_case_goes_out_before_it(work):
    person = await register(work, make_pin())
    earlier = CaseClosed(case_id=uuid.uuid4(), closed_on=clock.today())
    async with work() as uow:
        uow.publish(earlier, key="k-earlier")
        case = await cases.open_case(uow, OPENER, unit="vuxen", kind="SoL", person_id=person.record["id"])
        uow.publish(CaseClosed(case_id=case["id"], closed_on=clock.today()), key=str(case["id"]))
    recorded = await work.pool.fetch("SELECT type, key FROM outbox WHERE key = ANY($1::text[]) ORDER BY seq",
                                     ["k-earlier", str(case["id"])])
    assert [(r["type"], r["key"]) for r in recorded] == [
        ("case.closed", "k-earlier"), ("case.opened", str(case["id"])), ("case.closed", str(case["id"]))]
