"""A send or a recall reads the order and then changes it in one statement, without a lock or a
transaction, and that statement changes it only if it is still the version read (ADR 0038).
Another change that commits between the read and the write makes the send start over from the
read, and what that change left decides: an edited draft is sent as edited (or refused with 412
when the signer named the version read), a draft sent meanwhile is 409, and an order that keeps
changing is 409 `order_busy` after a few attempts. Nothing is written twice or half."""
import asyncio

import pytest

from services.orders.main import SERVICE
from services.orders.usecases import orders
from shared.errors import DomainError
from shared.etag import etag
from tests.integration.orders.test_orders_statements import ANNA, a_decision, create, outbox_of
from tests.integration.units import one_connection_work


@pytest.fixture
async def work(env):
    async with one_connection_work(env, SERVICE, connections=10) as work:
        yield work


def edited_after_each_read(monkeypatch, work, order_id, *, times: int) -> list[str]:
    """The order's details changed by another unit of work right after each of the first `times`
    reads of the send or recall under test, before its write: what a change committed in between
    looks like. Returns the details written, in order."""
    read, written, editing = orders._order, [], []

    async def read_then_edited(uow, oid, user, **kwargs):
        row = await read(uow, oid, user, **kwargs)
        if oid == order_id and len(written) < times and not editing:   # not the edit's own read
            written.append(f"Inköp {len(written) + 2} gånger i veckan.")
            editing.append(True)
            try:
                await orders.change_order(work(), ANNA, order_id, details=written[-1])
            finally:
                editing.clear()
        return row

    monkeypatch.setattr(orders, "_order", read_then_edited)
    return written


async def actions(work, order_id) -> list[str]:
    return [r["action"] for r in await work.pool.fetch(
        "SELECT action FROM order_history WHERE order_id = $1 ORDER BY seq", order_id)]


async def test_a_draft_edited_between_the_sends_read_and_write_is_sent_as_edited(work, monkeypatch):
    case_id, decision_id, provider_id = await a_decision(work)
    draft, _ = await create(work, case_id, decision_id, provider_id)
    written = edited_after_each_read(monkeypatch, work, draft["id"], times=1)

    sent = await orders.send_order(work(), ANNA, draft["id"])

    assert sent["state"] == "sent" and sent["details"] == written[0]
    assert await actions(work, draft["id"]) == ["create", "edit", "send"]
    assert [h["action"] for h in sent["history"]] == ["create", "edit", "send"]
    stored = await work.pool.fetchrow("SELECT details, state FROM orders WHERE id = $1", draft["id"])
    assert (stored["details"], stored["state"]) == (written[0], "sent")
    assert await outbox_of(work, draft["id"]) == [("order.sent", str(draft["id"]))]


async def test_a_signer_who_named_the_version_read_is_refused_when_it_changed_in_between(work, monkeypatch):
    case_id, decision_id, provider_id = await a_decision(work)
    draft, _ = await create(work, case_id, decision_id, provider_id)
    edited_after_each_read(monkeypatch, work, draft["id"], times=1)

    with pytest.raises(DomainError) as refused:
        await orders.send_order(work(), ANNA, draft["id"], if_match=etag(draft["revision"]))

    assert refused.value.code == "etag_mismatch"
    assert await actions(work, draft["id"]) == ["create", "edit"]
    assert await outbox_of(work, draft["id"]) == []


async def test_an_order_that_changes_at_every_attempt_is_busy_and_left_as_the_last_change_left_it(work, monkeypatch):
    case_id, decision_id, provider_id = await a_decision(work)
    draft, _ = await create(work, case_id, decision_id, provider_id)
    written = edited_after_each_read(monkeypatch, work, draft["id"], times=orders.ATTEMPTS)

    with pytest.raises(DomainError) as busy:
        await orders.send_order(work(), ANNA, draft["id"])

    assert (busy.value.code, busy.value.kind.name) == ("order_busy", "CONFLICT")
    assert len(written) == orders.ATTEMPTS
    assert await actions(work, draft["id"]) == ["create"] + ["edit"] * orders.ATTEMPTS
    assert await work.pool.fetchval("SELECT state FROM orders WHERE id = $1", draft["id"]) == "draft"
    assert await outbox_of(work, draft["id"]) == []


async def test_a_recall_after_a_change_in_between_reads_again(work, monkeypatch):
    case_id, decision_id, provider_id = await a_decision(work)
    draft, _ = await create(work, case_id, decision_id, provider_id)
    sent = await orders.send_order(work(), ANNA, draft["id"])
    read = orders._order
    reads = []

    async def read_then_recalled(uow, oid, user, **kwargs):
        row = await read(uow, oid, user, **kwargs)
        reads.append(row["state"])
        if len(reads) == 1:   # another caseworker recalls it first
            await orders.recall_order(work(), ANNA, oid, reason="Fel utförare")
        return row

    monkeypatch.setattr(orders, "_order", read_then_recalled)
    with pytest.raises(DomainError) as refused:
        await orders.recall_order(work(), ANNA, sent["id"], reason="Dubbelbeställd")

    assert refused.value.code == "illegal_transition"
    assert reads == ["sent", "sent", "recalled"]   # the one under test, the other's, then the test's again
    assert await actions(work, draft["id"]) == ["create", "send", "recall"]
    assert await outbox_of(work, draft["id"]) == [("order.sent", str(draft["id"])),
                                                  ("order.recalled", str(draft["id"]))]


async def test_sends_of_one_draft_at_once_send_it_once(work):
    case_id, decision_id, provider_id = await a_decision(work)
    for _ in range(5):
        draft, _ = await create(work, case_id, decision_id, provider_id)
        answers = await asyncio.gather(*(orders.send_order(work(), ANNA, draft["id"]) for _ in range(8)),
                                       return_exceptions=True)
        sent = [a for a in answers if not isinstance(a, BaseException)]
        refused = [a for a in answers if isinstance(a, BaseException)]
        assert len(sent) == 1, answers
        assert all(isinstance(a, DomainError) and a.code == "illegal_transition" for a in refused), refused
        assert await actions(work, draft["id"]) == ["create", "send"]
        assert await outbox_of(work, draft["id"]) == [("order.sent", str(draft["id"]))]
