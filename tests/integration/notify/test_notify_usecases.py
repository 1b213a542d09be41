"""Notify's use cases on a real database, without a service process: queueing what an event gives
rise to (once, however often it comes), the delivery log and the notifications in pages, each
reader seeing only their own, and what the sender records after an attempt (retry with backoff,
failing for good once, the events that tell of it)."""
import secrets
import uuid
from datetime import timedelta

import pytest
from opentelemetry import context as otel_context
from opentelemetry import propagate

from services.notify.main import SERVICE
from services.notify.store import deliveries as store
from services.notify.usecases import deliveries, notices, notifications
from shared.access import grant_for
from shared.clock import AdjustableClock
from shared.db import create_pool, migrate
from shared.errors import DomainError, Kind
from shared.events.catalog import OrderSent, WatchEscalated
from shared.outbox import Outbox
from shared.principal import Principal
from shared.unit_of_work import Work
from tests import clock

SUPPORT = grant_for(Principal(sub="sven", roles=["support"]), "notify:delivery.read")


def reader(sub: str, role: str = "caseworker", unit: str | None = "vuxen", action: str = "notification.read"):
    return grant_for(Principal(sub=sub, roles=[role], unit=unit), f"notify:{action}")


@pytest.fixture
async def work(env):
    settings = env.settings.model_copy(update={"notify_max_attempts": 2, "notify_retry_backoff_seconds": 30.0,
                                               "public_url": "https://omsorg.test"})
    pool = await create_pool(env.database_url, "notify")
    await migrate(pool, "notify", SERVICE.migrations)
    service_clock = AdjustableClock(clock.OFFSET)
    try:
        yield Work(pool, Outbox("notify", settings, service_clock), service_clock, settings)
    finally:
        await pool.close()


def order_sent(email: str, webhook_url: str | None = None) -> OrderSent:
    return OrderSent(order_id=uuid.uuid4(), case_id=uuid.uuid4(), decision_id=uuid.uuid4(), provider_id=uuid.uuid4(),
                     provider_email=email, provider_webhook_url=webhook_url, caseworker="anna", unit="vuxen",
                     intervention="hemtjänst", wanted_start=clock.today(), sent_at=clock.now())


def escalated() -> WatchEscalated:
    return WatchEscalated(watch_id=uuid.uuid4(), kind="order_escalated", rule="order_escalation",
                          subject_type="order", subject_id=uuid.uuid4(), caseworker="anna", unit="vuxen",
                          due_on=clock.today(), escalated_at=clock.now())


async def claim(work: Work) -> list:
    async with work() as uow:
        return await store.claim(uow.conn, 100, 120.0, uow.now())


async def outbox(work: Work, type_: str) -> list[dict]:
    return [r["data"] for r in await work.pool.fetch("SELECT data FROM outbox WHERE type = $1 ORDER BY seq", type_)]


async def test_an_event_queues_its_deliveries_once_and_the_log_pages_newest_first(work):
    data = order_sent("Bokning@Utforare.example", "https://utforare.example/hook")
    event = uuid.uuid4()
    for _ in range(2):  # a redelivered event queues nothing more
        await notices.notify_order_sent(work(), event, "order.sent", data)
    await notices.notify_order_sent(work(), uuid.uuid4(), "order.sent", order_sent("annan@utforare.example"))

    everything, cursor = await deliveries.list_deliveries(work(), SUPPORT, limit=50)
    assert len(everything) == 3 and cursor is None
    assert [r["id"] for r in everything] == sorted((r["id"] for r in everything), reverse=True)
    ours, _ = await deliveries.list_deliveries(work(), SUPPORT, order_id=data.order_id, limit=50)
    assert {(r["channel"], r["recipient"]) for r in ours} == {
        ("email", "bokning@utforare.example"), ("webhook", "https://utforare.example/hook")}
    assert {r["content"].get("link") for r in ours if r["channel"] == "webhook"} == {
        f"https://omsorg.test/orders/{data.order_id}"}

    paged, cursor = [], None
    while True:
        page, cursor = await deliveries.list_deliveries(work(), SUPPORT, limit=2, cursor=cursor)
        assert len(page) <= 2
        paged += page
        if cursor is None:
            break
    assert [r["id"] for r in paged] == [r["id"] for r in everything]

    # An address is found as the log keeps it: e-mail in lower case.
    found, _ = await deliveries.list_deliveries(work(), SUPPORT, recipient="BOKNING@utforare.example", limit=50)
    assert [r["channel"] for r in found] == ["email"]
    with pytest.raises(DomainError) as refused:
        await deliveries.list_deliveries(work(), SUPPORT, limit=2, cursor="bm90IGEgY3Vyc29y")
    assert (refused.value.kind, refused.value.code) == (Kind.INVALID, "invalid_cursor")


async def test_a_sent_order_is_remembered_with_its_deliveries_in_one_statement(work):
    first = order_sent("bokning@utforare.example")
    statements: list[str] = []
    async with work() as uow:
        uow.conn.add_query_logger(lambda record: statements.append(record.query))
        await notices.notify_order_sent(uow, uuid.uuid4(), "order.sent", first)
    assert len([q for q in statements if "INSERT" in q]) == 1, statements
    contact = await work.pool.fetchrow("SELECT * FROM orders WHERE order_id = $1", first.order_id)
    assert (contact["case_id"], contact["provider_id"], contact["email"], contact["webhook_url"],
            contact["caseworker"], contact["unit"]) == (first.case_id, first.provider_id, "bokning@utforare.example",
                                                        None, "anna", "vuxen")
    queued = await work.pool.fetch("SELECT channel, recipient FROM deliveries WHERE order_id = $1", first.order_id)
    assert [tuple(r) for r in queued] == [("email", "bokning@utforare.example")]

    # Sent again to another provider, without a unit: the new contact, the unit known before.
    again = first.model_copy(update={"provider_id": uuid.uuid4(), "provider_email": "ny@utforare.example",
                                     "provider_webhook_url": "https://utforare.example/hook", "unit": None})
    await notices.notify_order_sent(work(), uuid.uuid4(), "order.sent", again)
    contact = await work.pool.fetchrow("SELECT * FROM orders WHERE order_id = $1", first.order_id)
    assert (contact["provider_id"], contact["email"], contact["webhook_url"], contact["unit"]) == (
        again.provider_id, "ny@utforare.example", "https://utforare.example/hook", "vuxen")
    assert await work.pool.fetchval("SELECT count(*) FROM deliveries WHERE order_id = $1", first.order_id) == 3


async def test_notifications_page_through_a_readers_own_and_are_read_by_each_reader(work):
    for _ in range(3):
        await notices.notify_watch_escalated(work(), uuid.uuid4(), "watch.escalated", escalated())
    rows = await claim(work)
    assert len(rows) == 6  # each escalation: the unit's supervisors and the caseworker
    await deliveries.record_delivered(work(), rows)
    assert len(await outbox(work, "notification.delivered")) == 6
    await deliveries.record_delivered(work(), rows)  # recorded once only
    assert len(await outbox(work, "notification.delivered")) == 6

    greta = reader("greta", "supervisor")
    everything, cursor = await notifications.list_notifications(work(), greta, limit=50)
    assert len(everything) == 3 and cursor is None
    assert all(n.recipient == "supervisors:vuxen" for n in everything)
    # One batch is delivered at one moment: the id breaks the tie, and no page repeats or skips one.
    first, cursor = await notifications.list_notifications(work(), greta, limit=2)
    rest, last = await notifications.list_notifications(work(), greta, limit=2, cursor=cursor)
    assert [n.id for n in first + rest] == [n.id for n in everything] and len(first) == 2 and last is None

    anna = reader("anna")  # a caseworker sees only what is addressed to her, not her unit's
    hers, _ = await notifications.list_notifications(work(), anna, limit=50)
    assert len(hers) == 3 and {n.recipient for n in hers} == {"user:anna"}
    assert (await notifications.list_notifications(work(), reader("olle", "supervisor", "barn"), limit=50))[0] == []

    with pytest.raises(DomainError) as missing:
        await notifications.mark_read(work(), reader("bertil", action="notification.mark_read"), hers[0].id)
    assert (missing.value.kind, missing.value.code) == (Kind.NOT_FOUND, "notification_not_found")
    read = await notifications.mark_read(work(), reader("anna", action="notification.mark_read"), hers[0].id)
    assert read.read and read.id == hers[0].id
    again = await notifications.mark_read(work(), reader("anna", action="notification.mark_read"), hers[0].id)
    assert again.read_at == read.read_at  # read when first read
    unread, _ = await notifications.list_notifications(work(), anna, unread_only=True, limit=50)
    assert [n.id for n in unread] == [n.id for n in hers[1:]]

    await notifications.mark_read(work(), reader("greta", "supervisor", action="notification.mark_read"),
                                  everything[0].id)
    hans, _ = await notifications.list_notifications(work(), reader("hans", "supervisor"), limit=1)
    assert hans[0].id == everything[0].id and not hans[0].read  # read by greta, not by hans


async def test_deliveries_recorded_together_each_tell_of_it_in_the_trace_that_queued_them(work):
    """A batch of deliveries queued by events of different traces is recorded at once (its
    `notification.delivered` events in one outbox statement): each event still continues the
    trace of the delivery it tells of, and each in-app delivery becomes one notification."""
    traces = [secrets.token_hex(16) for _ in range(2)]
    for trace_id in traces:
        token = otel_context.attach(propagate.extract({"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"}))
        try:
            await notices.notify_watch_escalated(work(), uuid.uuid4(), "watch.escalated", escalated())
        finally:
            otel_context.detach(token)
    rows = await claim(work)
    assert len(rows) == 4  # each escalation: the unit's supervisors and the caseworker
    await deliveries.record_delivered(work(), rows)

    queued_in = {row["id"]: row["trace_context"]["traceparent"].split("-")[1] for row in rows}
    assert sorted(queued_in.values()) == sorted(traces * 2)
    events = await work.pool.fetch("SELECT data, trace_context FROM outbox WHERE type = 'notification.delivered'"
                                   " ORDER BY seq")
    assert len(events) == 4
    for event in events:
        delivery = uuid.UUID(event["data"]["delivery_id"])
        assert event["trace_context"]["traceparent"].split("-")[1] == queued_in[delivery]
    in_app = {row["id"] for row in rows if row["channel"] == "in_app"}
    made = await work.pool.fetch("SELECT delivery_id FROM notifications")
    assert in_app and sorted(r["delivery_id"] for r in made) == sorted(in_app)


async def test_a_failed_attempt_is_tried_again_after_a_backoff_then_fails_for_good_once(work):
    data = order_sent("borta@utforare.example")
    await notices.notify_order_sent(work(), uuid.uuid4(), "order.sent", data)
    [row] = await claim(work)
    before = work.clock.now()
    assert await deliveries.record_failure(work(), row, "SMTPConnectError: down") is False
    [pending], _ = await deliveries.list_deliveries(work(), SUPPORT, order_id=data.order_id, limit=50)
    assert (pending["status"], pending["attempts"], pending["last_error"]) == ("pending", 1, "SMTPConnectError: down")
    assert before + timedelta(seconds=30) <= pending["next_attempt_at"] <= work.clock.now() + timedelta(seconds=30)
    if clock.OFFSET >= timedelta(0):  # the claim asks the database's clock, which a run in the past is ahead of
        assert await claim(work) == []  # not due before the backoff has passed
    assert await outbox(work, "notification.failed") == []

    assert await deliveries.record_failure(work(), pending, "SMTPConnectError: still down") is True
    [failed], _ = await deliveries.list_deliveries(work(), SUPPORT, order_id=data.order_id, limit=50)
    assert (failed["status"], failed["attempts"]) == ("failed", 2)
    # Recorded by someone else already: no second event, no second dead letter.
    assert await deliveries.record_failure(work(), pending, "SMTPConnectError: still down") is False
    [event] = await outbox(work, "notification.failed")
    assert (event["delivery_id"], event["attempts"], event["channel"]) == (str(row["id"]), 2, "email")


async def test_a_failure_no_retry_can_help_fails_the_delivery_at_once(work):
    data = order_sent("hook@utforare.example", "http://10.0.0.7/hook")
    await notices.notify_order_sent(work(), uuid.uuid4(), "order.sent", data)
    hook = next(r for r in await claim(work) if r["channel"] == "webhook")
    assert await deliveries.record_failure(work(), hook, "webhook_url_not_allowed: private", final=True) is True
    [failed], _ = await deliveries.list_deliveries(work(), SUPPORT, order_id=data.order_id, channel="webhook",
                                                   limit=50)
    assert (failed["status"], failed["attempts"]) == ("failed", 1)
    assert [e["channel"] for e in await outbox(work, "notification.failed")] == ["webhook"]
