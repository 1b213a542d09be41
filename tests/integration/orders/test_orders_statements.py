"""What creating a draft costs the database, on a real database and without a service process:
the case, the decision and the provider are read in one statement, the draft and its first
history entry written in one, and the draft read back: three statements, no BEGIN or COMMIT
(it writes once and publishes nothing). Its refusals still come, and still write nothing."""
import uuid

import pytest

from services.orders.main import SERVICE
from services.orders.store import orders as order_store
from services.orders.store import providers as provider_store
from services.orders.store import read_models
from services.orders.usecases import orders
from shared.access import grant_for
from shared.errors import DomainError
from shared.principal import Principal
from shared.unit_of_work import Work
from tests import clock
from tests.integration.units import logged_statements, one_connection_work

ANNA = grant_for(Principal(sub="anna", roles=["caseworker"], unit="vuxen"), "orders:order.write")


@pytest.fixture
async def work(env):
    async with one_connection_work(env, SERVICE) as work:
        yield work


async def a_decision(work: Work) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    case_id, decision_id, provider_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    async with work() as uow:
        await read_models.insert_case(uow.conn, case_id=case_id, unit="vuxen", kind="SoL", person_id=uuid.uuid4(),
                                      opened_on=clock.today())
        await read_models.insert_decision(uow.conn, decision_id=decision_id, case_id=case_id, unit="vuxen",
                                          person_id=None, intervention="home_help", outcome="granted",
                                          valid_from=clock.today(), valid_to=None, follow_up_on=None,
                                          decided_on=clock.today(), decided_by="anna")
        await provider_store.insert(uow.conn, provider_id=provider_id, name="Hemtjänst AB",
                                    organisation_number=f"55{uuid.uuid4().int % 10**8:08d}",
                                    email="bokning@utforare.example", webhook_url=None, interventions=["home_help"],
                                    registered_by="olle", registered_at=clock.now())
    return case_id, decision_id, provider_id


def create(work: Work, case_id, decision_id, provider_id, **extra):
    return orders.create_order(work(), ANNA, case_id=case_id, decision_id=decision_id, provider_id=provider_id,
                               intervention="home_help", details="Inköp en gång i veckan.",
                               wanted_start=clock.today(), **extra)


async def test_a_draft_is_three_statements_without_a_transaction(work):
    case_id, decision_id, provider_id = await a_decision(work)
    await create(work, case_id, decision_id, provider_id)   # asyncpg learns the statements' types once

    statements = await logged_statements(work)
    order, created = await create(work, case_id, decision_id, provider_id)
    assert created and order["state"] == "draft"
    assert len(statements) == 3, statements
    assert statements[1].startswith("WITH created AS (INSERT INTO orders")
    assert [(h["action"], h["to_state"], h["actor"]) for h in order["history"]] == [("create", "draft", "anna")]
    assert order["history"][0]["detail"] == {"provider_id": str(provider_id)}
    assert order["revision"] is not None


async def test_refusals_write_nothing(work):
    case_id, decision_id, provider_id = await a_decision(work)
    before = await work.pool.fetchval("SELECT count(*) FROM orders")
    with pytest.raises(DomainError) as unknown:
        await create(work, case_id, decision_id, uuid.uuid4())
    assert unknown.value.code == "unknown_provider"
    with pytest.raises(DomainError) as other_case:
        await create(work, uuid.uuid4(), decision_id, provider_id)
    assert other_case.value.code == "decision_of_other_case"
    assert await work.pool.fetchval("SELECT count(*) FROM orders") == before
    assert await work.pool.fetchval("SELECT count(*) FROM order_history h WHERE NOT EXISTS"
                                    " (SELECT 1 FROM orders o WHERE o.id = h.order_id)") == 0


async def test_a_retry_with_the_same_key_writes_no_second_draft_nor_history(work):
    case_id, decision_id, provider_id = await a_decision(work)
    first, created = await create(work, case_id, decision_id, provider_id, idempotency_key="k-1")
    again, created_again = await create(work, case_id, decision_id, provider_id, idempotency_key="k-1")
    assert (created, created_again, again["id"]) == (True, False, first["id"])
    assert await work.pool.fetchval("SELECT count(*) FROM order_history WHERE order_id = $1", first["id"]) == 1
    # The insert itself refuses a key already used (concurrent retries race there): nothing written.
    async with work.pool.acquire() as conn:
        assert not await order_store.insert(
            conn, order_id=uuid.uuid4(), case_id=case_id, decision_id=decision_id, provider_id=provider_id,
            unit="vuxen", person_id=None, intervention="home_help", details="x", wanted_start=clock.today(),
            created_by="anna", created_at=clock.now(), detail={}, idempotency_key="k-1")
    assert await work.pool.fetchval("SELECT count(*) FROM order_history WHERE order_id = $1", first["id"]) == 1
    assert await work.pool.fetchval("SELECT count(*) FROM orders WHERE idempotency_key = 'k-1'") == 1
