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
import time

import asyncpg
from fastapi import FastAPI
from opentelemetry import trace

from services.notify.channels.smtp import Mailer
from services.notify.channels.webhooks import Webhooks
from services.notify.domain.deliveries import Channel, UndeliverableAddress, smtp_address, webhook_body
from services.notify.store import deliveries as store
from services.notify.usecases import deliveries
from shared.db import DATABASE_AWAY
from shared.unit_of_work import Work
from shared.wake import WakeLoop
from shared.webhook_url import WebhookUrlNotAllowed

log = logging.getLogger(__name__)
tracer = trace.get_tracer("omsorg.notify.sender")

BATCH = 100
LEASE_SECONDS = 120.0
GATHER_SECONDS = 0.05
# The trigger on deliveries (migrations/002_deliveries.sql) NOTIFYs this channel when a
# transaction that queued deliveries commits.
CHANNEL = "notify_deliveries"


class Sender:
    def __init__(self, app: FastAPI, mailer: Mailer, webhooks: Webhooks):
        self.work: Work = app.state.work
        self.producer = app.state.producer
        self.settings = app.state.settings
        self.clock = app.state.clock
        self.mailer = mailer
        self.webhooks = webhooks
        # A burst of queued deliveries gathers into one batch: one claim, one transaction of
        # outcomes and one relay wake-up for many mails, for a few milliseconds of latency that
        # no e-mail reader notices.
        self._loop = WakeLoop("notify sender", app.state.pool, self.settings.relay_poll_seconds, channel=CHANNEL,
                              gather_seconds=GATHER_SECONDS)
        self._recording: asyncio.Task | None = None

    async def run(self) -> None:
        deliveries.count_from_zero()
        try:
            await self._loop.run(self._send_all_due)
        finally:
            if self._recording is not None:
                self._recording.cancel()

    async def _send_all_due(self) -> None:
        while await self.send_due() == BATCH:
            pass

    async def send_due(self) -> int:
        """Send one batch of due deliveries at once (the mailer spreads them over its connections).
        Its outcomes are recorded while the next batch is being sent, one batch at a time."""
        async with self.work() as uow:
            rows = await store.claim(uow.conn, BATCH, LEASE_SECONDS, uow.now())
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
            await self._while_the_database_is_away(lambda: deliveries.record_delivered(self.work(), delivered))
        for row, error, final in outcomes:
            if error is None:
                continue
            failed_for_good = await self._while_the_database_is_away(
                lambda: deliveries.record_failure(self.work(), row, error, final=final))
            if failed_for_good:
                await self._dead_letter(row, row["attempts"] + 1, error)

    async def _while_the_database_is_away(self, record):
        """What was sent is known: while the database is away (a restart), recording it is tried
        again rather than left to the lease, which would send the mail a second time."""
        deadline = time.monotonic() + LEASE_SECONDS / 2
        while True:
            try:
                return await record()
            except DATABASE_AWAY as exc:
                if time.monotonic() > deadline:
                    raise
                log.warning("notify waits for the database to record what was sent: %s", exc)
                await asyncio.sleep(1)

    async def _attempt(self, row: asyncpg.Record) -> tuple[asyncpg.Record, str | None, bool]:
        """(row, error or None, whether the failure is final: no retry can help).

        A span in the trace of the event that queued the delivery: the SMTP send, the
        webhook call or the in-app notice is where that trace ends."""
        with tracer.start_as_current_span(
            SPAN_NAMES.get(row["channel"], f"{row['channel']} send"), context=store.trace_of(row),
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
            except UndeliverableAddress as exc:
                span.set_status(trace.Status(trace.StatusCode.ERROR, "undeliverable_address"))
                return row, f"undeliverable_address: {exc}"[:2000], True
            except Exception as exc:
                span.record_exception(exc)
                span.set_status(trace.Status(trace.StatusCode.ERROR, str(exc)[:200]))
                return row, f"{type(exc).__name__}: {exc}"[:2000], False

    def _server(self, row: asyncpg.Record) -> dict:
        if row["channel"] == Channel.EMAIL:
            return {"server.address": self.settings.smtp_host, "server.port": self.settings.smtp_port}
        return {}

    async def _send(self, row: asyncpg.Record) -> None:
        content = row["content"]
        if row["channel"] == Channel.EMAIL:
            to = smtp_address(row["recipient"])
            await self.mailer.send(to, self.mailer.message(
                to=to, subject=content["subject"], text=content["text"], message_id=str(row["id"]),
                at=self.clock.now()))
        elif row["channel"] == Channel.WEBHOOK:
            await self.webhooks.post(row["recipient"], webhook_body(content),
                                     provider_id=str(row["provider_id"]), delivery_id=str(row["id"]),
                                     key_version=row["webhook_key_version"])

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
                                              value=json.dumps(record).encode(),
                                              key=str(row["order_id"] or row["id"]).encode(), headers=headers)
        except Exception:
            log.exception("could not write the dead-letter record of delivery %s", row["id"])


SPAN_NAMES = {Channel.EMAIL: "smtp send", Channel.WEBHOOK: "webhook send", Channel.IN_APP: "in_app send"}


async def sender_worker(app: FastAPI) -> None:
    settings = app.state.settings
    mailer, webhooks = Mailer(settings), Webhooks(settings)
    try:
        await Sender(app, mailer, webhooks).run()
    finally:
        await mailer.close()
        await webhooks.close()
