"""What creating and sending an order costs the database, on a real database and without a
service process. A draft: the case, the decision and the provider are read in one statement, the
draft and its first history entry written in one that answers the draft: two statements, no BEGIN
or COMMIT (it writes once and publishes nothing). Its refusals still come, and still write
nothing. Sending: the order read, then its move, history entry and `order.sent` in one statement
that changes it only if it is still the version read: two statements, no BEGIN or COMMIT; a
redirection records the recall's event before the new order's."""
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


async def test_a_draft_is_two_statements_without_a_transaction(work):
    case_id, decision_id, provider_id = await a_decision(work)
    await create(work, case_id, decision_id, provider_id)   # asyncpg learns the statements' types once

    statements = await logged_statements(work)
    order, created = await create(work, case_id, decision_id, provider_id)
    assert created and order["state"] == "draft"
    assert len(statements) == 2, statements
    assert statements[1].startswith("WITH o AS (INSERT INTO orders")
    assert [(h["action"], h["to_state"], h["actor"]) for h in order["history"]] == [("create", "draft", "anna")]
    assert order["history"][0]["detail"] == {"provider_id": str(provider_id)}
    assert order["revision"] is not None


async def test_the_draft_answered_is_the_draft_as_read_later(work):
    """The insert answers the columns of `store.orders.get(with_history=True)`, with the same values."""
    case_id, decision_id, provider_id = await a_decision(work)
    order, _ = await create(work, case_id, decision_id, provider_id)
    async with work.pool.acquire() as conn:
        read = await order_store.get(conn, order["id"], with_history=True)
    assert list(order.keys()) == list(read.keys())
    assert dict(order) == dict(read)
    assert order["provider_name"] == "Hemtjänst AB" and order["deliveries"] == {"reports": 0, "minutes": 0, "units": 0}


async def outbox_of(work: Work, *order_ids) -> list[tuple[str, str]]:
    return [(r["type"], r["key"]) for r in await work.pool.fetch(
        "SELECT type, key FROM outbox WHERE key = ANY($1::text[]) ORDER BY seq", [str(i) for i in order_ids])]


async def test_sending_is_the_read_and_one_statement_without_a_transaction(work):
    case_id, decision_id, provider_id = await a_decision(work)
    warm, _ = await create(work, case_id, decision_id, provider_id)
    await orders.send_order(work(), ANNA, warm["id"])   # asyncpg learns the statements' types once
    draft, _ = await create(work, case_id, decision_id, provider_id)

    statements = await logged_statements(work)
    sent = await orders.send_order(work(), ANNA, draft["id"])
    assert len(statements) == 2, statements
    assert "FOR UPDATE" not in statements[0]
    assert statements[1].startswith("WITH moved AS (UPDATE orders") and "INSERT INTO outbox" in statements[1]
    assert "xmin = " in statements[1]
    assert sent["state"] == "sent" and sent["history"][-1]["action"] == "send"
    assert await outbox_of(work, draft["id"]) == [("order.sent", str(draft["id"]))]
    async with work.pool.acquire() as conn:
        assert (await order_store.get(conn, draft["id"]))["revision"] == sent["revision"]


async def test_a_redirection_records_the_recall_before_the_new_orders_sending(work):
    case_id, decision_id, provider_id = await a_decision(work)
    _, _, other_provider = await a_decision(work)
    draft, _ = await create(work, case_id, decision_id, provider_id)
    await orders.send_order(work(), ANNA, draft["id"])
    new = await orders.redirect_order(work(), ANNA, draft["id"], provider_id=other_provider, reason="Fel utförare")
    assert new["state"] == "sent" and new["provider_id"] == other_provider
    assert [h["action"] for h in new["history"]] == ["create", "send"]
    assert await outbox_of(work, draft["id"], new["id"]) == [
        ("order.sent", str(draft["id"])), ("order.recalled", str(draft["id"])), ("order.sent", str(new["id"]))]
    async with work.pool.acquire() as conn:
        read = await order_store.get(conn, new["id"], with_history=True)
    assert read["revision"] == new["revision"] and read["state"] == "sent"


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


async def test_a_move_of_an_order_changed_since_it_was_read_writes_nothing(work):
    case_id, decision_id, provider_id = await a_decision(work)
    draft, _ = await create(work, case_id, decision_id, provider_id)
    await orders.change_order(work(), ANNA, draft["id"], details="Inköp två gånger i veckan.")
    history = await work.pool.fetchval("SELECT count(*) FROM order_history WHERE order_id = $1", draft["id"])
    async with work.pool.acquire() as conn:
        with pytest.raises(order_store.Changed):
            await order_store.move(conn, draft["id"], action="send", from_state="draft", to_state="sent",
                                   actor="anna", at=clock.now(), if_unchanged=draft["row_version"])
        assert (await order_store.get(conn, draft["id"]))["state"] == "draft"
    assert await work.pool.fetchval("SELECT count(*) FROM order_history WHERE order_id = $1",
                                    draft["id"]) == history
    assert await outbox_of(work, draft["id"]) == []
