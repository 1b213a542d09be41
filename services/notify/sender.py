"""The sender: a worker in the notify process that sends pending deliveries and records the outcome.

Handlers only record deliveries as pending, in the transaction that also records the event in
the inbox, so a redelivered event never queues a second one. Sending is a side effect outside
any database transaction: the sender sends, then marks the row delivered. A crash between the
two leaves the row pending and its lease runs out, so that one notification is at worst sent
once more; it can never be lost, and a redelivered event can never cause it again.

Failures are retried with backoff; after `notify_max_attempts` the delivery is `failed`,
`notification.failed` goes out through the outbox and a record goes to `notify.events.dlq`.
A webhook URL that is not allowed (shared/webhook_url.py) fails the delivery at once, unsent.
"""
import asyncio
import json
import logging

import asyncpg
from fastapi import FastAPI
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace

from services.notify.channels.smtp import Mailer
from services.notify.channels.webhooks import Webhooks
from services.notify.domain.deliveries import Channel, Status, after_failure, backoff, webhook_body
from services.notify.store import deliveries as store
from services.notify.store import notifications
from shared.events.catalog import NotificationDelivered, NotificationFailed
from shared.webhook_url import WebhookUrlNotAllowed

log = logging.getLogger(__name__)
tracer = trace.get_tracer("omsorg.notify.sender")

BATCH = 100
LEASE_SECONDS = 120.0
GATHER_SECONDS = 0.05


class Sender:
    def __init__(self, app: FastAPI, mailer: Mailer, webhooks: Webhooks):
        self.pool: asyncpg.Pool = app.state.pool
        self.producer = app.state.producer
        self.outbox = app.state.outbox
        self.settings = app.state.settings
        self.clock = app.state.clock
        self.mailer = mailer
        self.webhooks = webhooks
        self._wake = asyncio.Event()
        self._recording: asyncio.Task | None = None

    async def run(self) -> None:
        while True:
            try:
                await self._listen_and_send()
            except asyncio.CancelledError:
                if self._recording is not None:
                    self._recording.cancel()
                raise
            except Exception as exc:  # the database went away: wait, then listen again
                log.warning("notify sender lost its database connection, reconnecting: %s", exc)
                await asyncio.sleep(1)

    async def _listen_and_send(self) -> None:
        wake = lambda *_: self._wake.set()  # noqa: E731
        async with self.pool.acquire() as listener:
            await listener.add_listener("notify_deliveries", wake)
            listener.add_termination_listener(wake)
            try:
                while not listener.is_closed():
                    # Let a burst of queued deliveries gather into one batch: one claim, one
                    # transaction of outcomes and one relay wake-up for many mails, for a few
                    # milliseconds of latency that no e-mail reader notices.
                    await asyncio.sleep(GATHER_SECONDS)
                    self._wake.clear()
                    while await self.send_due() == BATCH:
                        pass
                    try:
                        await asyncio.wait_for(self._wake.wait(), self.settings.relay_poll_seconds)
                    except asyncio.TimeoutError:
                        pass
            finally:
                listener.remove_termination_listener(wake)
                if not listener.is_closed():
                    await listener.remove_listener("notify_deliveries", wake)

    async def send_due(self) -> int:
        """Send one batch of due deliveries at once (the mailer spreads them over its connections).
        Its outcomes are recorded while the next batch is being sent, one batch at a time."""
        rows = await store.claim(self.pool, BATCH, LEASE_SECONDS)
        if not rows:
            await self.settle()
            return 0
        outcomes = await asyncio.gather(*(self._attempt(row) for row in rows))
        await self.settle()
        self._recording = asyncio.create_task(self._record(outcomes))
        return len(rows)

    async def settle(self) -> None:
        """Wait until the outcomes of the last batch are recorded."""
        task, self._recording = self._recording, None
        if task is not None:
            try:
                await task
            except Exception as exc:  # those rows' lease runs out and they are tried again
                log.warning("could not record the outcomes of a batch: %r", exc)

    async def _record(self, outcomes: list[tuple[asyncpg.Record, str | None, bool]]) -> None:
        delivered = [row for row, error, _ in outcomes if error is None]
        if delivered:
            await self._delivered(delivered, self.clock.now())
        for row, error, final in outcomes:
            if error is not None:
                await self._failed(row, row["attempts"] + 1, error, final=final)

    async def _attempt(self, row: asyncpg.Record) -> tuple[asyncpg.Record, str | None, bool]:
        """(row, error or None, whether the failure is final: no retry can help).

        A span in the trace of the event that queued the delivery: the SMTP send, the
        webhook call or the in-app notice is where that trace ends."""
        with tracer.start_as_current_span(
            SPAN_NAMES.get(row["channel"], f"{row['channel']} send"), context=_trace_of(row),
            kind=trace.SpanKind.CLIENT if row["channel"] != Channel.IN_APP else trace.SpanKind.INTERNAL,
            attributes={"notify.delivery_id": str(row["id"]), "notify.channel": row["channel"],
                        "notify.template": row["template"], "notify.attempt": row["attempts"] + 1,
                        **self._server(row)},
        ) as span:
            try:
                await self._send(row)
                return row, None, False
            except WebhookUrlNotAllowed as exc:
                span.set_status(trace.Status(trace.StatusCode.ERROR, "webhook_url_not_allowed"))
                return row, f"webhook_url_not_allowed: {exc}"[:2000], True
            except Exception as exc:
                span.record_exception(exc)
                span.set_status(trace.Status(trace.StatusCode.ERROR, str(exc)[:200]))
                return row, f"{type(exc).__name__}: {exc}"[:2000], False

    def _server(self, row: asyncpg.Record) -> dict:
        if row["channel"] == Channel.EMAIL:
            return {"server.address": self.settings.smtp_host, "server.port": self.settings.smtp_port}
        return {}

    async def _delivered(self, rows: list[asyncpg.Record], now) -> None:
        # If the process dies before this commits, these rows come due again when their lease
        # runs out and are sent once more: at worst a duplicate, never a loss.
        async with self.pool.acquire() as conn, conn.transaction():
            marked = set(await store.mark_delivered(conn, [r["id"] for r in rows], now))
            for row in rows:
                if row["id"] not in marked:
                    continue
                if row["channel"] == Channel.IN_APP:
                    await notifications.insert(conn, row, now)
                token = otel_context.attach(_trace_of(row))  # the event continues the delivery's trace
                try:
                    await self.outbox.add(conn, NotificationDelivered(**_facts(row), attempts=row["attempts"] + 1,
                                                                      delivered_at=now),
                                          key=_key(row), subject=f"delivery/{row['id']}")
                finally:
                    otel_context.detach(token)

    async def _send(self, row: asyncpg.Record) -> None:
        content = row["content"]
        if row["channel"] == Channel.EMAIL:
            await self.mailer.send(row["recipient"], self.mailer.message(
                to=row["recipient"], subject=content["subject"], text=content["text"], message_id=str(row["id"]),
                at=self.clock.now()))
        elif row["channel"] == Channel.WEBHOOK:
            await self.webhooks.post(row["recipient"], webhook_body(content),
                                     provider_id=str(row["provider_id"]), delivery_id=str(row["id"]))

    async def _failed(self, row: asyncpg.Record, attempts: int, error: str, final: bool = False) -> None:
        status = Status.FAILED if final else after_failure(attempts, self.settings.notify_max_attempts)
        now = self.clock.now()
        if status is Status.PENDING:
            log.warning("delivery %s (%s) failed, attempt %d: %s", row["id"], row["channel"], attempts, error)
            async with self.pool.acquire() as conn:
                await store.mark_retry(conn, row["id"], attempts,
                                       now + backoff(attempts, self.settings.notify_retry_backoff_seconds), error)
            return
        log.error("delivery %s (%s) failed for good after %d attempts: %s", row["id"], row["channel"], attempts, error)
        async with self.pool.acquire() as conn, conn.transaction():
            if not await store.mark_failed(conn, row["id"], attempts, now, error):
                return
            await self.outbox.add(conn, NotificationFailed(**_facts(row), attempts=attempts, error=error,
                                                           failed_at=now),
                                  key=_key(row), subject=f"delivery/{row['id']}")
        await self._dead_letter(row, attempts, error)

    async def _dead_letter(self, row: asyncpg.Record, attempts: int, error: str) -> None:
        # The durable record is the `failed` row and its event; this copy is for the people and
        # tools that watch the dead-letter topics.
        record = {"delivery_id": str(row["id"]), "event_id": str(row["event_id"]), "event_type": row["event_type"],
                  "template": row["template"], "channel": row["channel"], "recipient": row["recipient"],
                  "order_id": row["order_id"] and str(row["order_id"]), "attempts": attempts, "error": error}
        headers = [("dlq_error", error.encode()[:4000]), ("dlq_error_type", b"DeliveryFailed"),
                   ("dlq_consumer", b"notify-sender"), ("content-type", b"application/json")]
        try:
            await self.producer.send_and_wait(self.settings.topic("notify.events.dlq"),
                                              value=json.dumps(record).encode(), key=_key(row).encode(),
                                              headers=headers)
        except Exception:
            log.exception("could not write the dead-letter record of delivery %s", row["id"])


SPAN_NAMES = {Channel.EMAIL: "smtp send", Channel.WEBHOOK: "webhook send", Channel.IN_APP: "in_app send"}


def _trace_of(row: asyncpg.Record) -> otel_context.Context:
    return propagate.extract(row["trace_context"] or {})


def _facts(row: asyncpg.Record) -> dict:
    return dict(delivery_id=row["id"], cause_event_id=row["event_id"], cause_event_type=row["event_type"],
                template=row["template"], channel=row["channel"], recipient=row["recipient"],
                order_id=row["order_id"], provider_id=row["provider_id"])


def _key(row: asyncpg.Record) -> str:
    return str(row["order_id"] or row["id"])


async def sender_worker(app: FastAPI) -> None:
    settings = app.state.settings
    mailer, webhooks = Mailer(settings), Webhooks(settings)
    try:
        await Sender(app, mailer, webhooks).run()
    finally:
        await mailer.close()
        await webhooks.close()
