"""Transactional outbox: write events with the state change, publish them afterwards.

`Outbox.add` runs inside the caller's transaction; `Outbox.with_write` records events in the
statement of the write they tell of, which needs no transaction (ADR 0031). `OutboxRelay`
publishes unpublished rows in order, woken by LISTEN/NOTIFY on commit and by polling as the
fallback, so a row left behind by a crash is still picked up. One relay of a service publishes
at a time (a transaction lock per schema), so replicas neither send a row twice at once nor
reorder a case's events.
"""
import asyncio
import json
import logging
import time
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple
from uuid import UUID

import asyncpg
from aiokafka import AIOKafkaProducer
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from pydantic import BaseModel
from uuid_utils.compat import uuid7

from shared.clock import Clock
from shared.events import type_of
from shared.events.catalog.audit import AccessLogged
from shared.events.consumers import CAN_WAIT
from shared.events.envelope import kafka_headers
from shared.faults import Faults
from shared.kafka import SendSpan
from shared.settings import Settings
from shared.wake import ROUND_LIMIT_SECONDS, WakeLoop

log = logging.getLogger(__name__)


class Pending(NamedTuple):
    """An event to write: its data, its key (the partition's), its subject, and the trace it
    continues (None: the one current when it is written)."""
    data: BaseModel
    key: str
    subject: str | None = None
    trace: otel_context.Context | None = None


class Outbox:
    def __init__(self, service: str, settings: Settings, clock: Clock):
        self.source = f"omsorg/{service}"
        self.settings = settings
        self.clock = clock

    async def add(self, conn: asyncpg.Connection, data: BaseModel, *, key: str,
                  subject: str | None = None) -> UUID:
        """Record an event in the current transaction; it leaves when the transaction commits.
        Returns the event's id."""
        return (await self.add_many(conn, [Pending(data, key, subject)]))[0]

    async def add_many(self, conn: asyncpg.Connection, events: Sequence[Pending]) -> list[UUID]:
        """Record events in one statement, in order, in the current transaction; returns their ids.

        One INSERT however many events: a batch that raises hundreds of events wakes the
        relay once and costs one round trip. Each event's data is its model's JSON as pydantic
        writes it (`model_dump_json`), which the column keeps as jsonb. Each keeps the trace it
        names, or the current one: events of many traces (the deliveries of a batch, each in the
        trace of the event that queued it) go in the same statement.
        """
        if not events:
            return []
        ids, args = self._rows(events)
        await conn.execute(_INSERT.format(*range(1, 11), only_if=""), *args)
        return ids

    async def with_write(self, conn: asyncpg.Connection, write: str, args: Sequence,
                         events: Sequence[Pending], *, before: str = "") -> asyncpg.Record | None:
        """`write` (one INSERT, UPDATE or DELETE with RETURNING, its parameters `args`) and
        `events` in one statement, which returns the write's first row: the events are recorded
        only if the write returned a row, so the change and its events commit together, with or
        without a transaction around them. `before`: common table expressions the write reads
        (`name AS (…)`, comma-separated), with their parameters in `args` too."""
        _, rows = self._rows(events)
        first = len(args) + 1
        insert = _INSERT.format(*range(first, first + 10), only_if=" WHERE EXISTS (SELECT FROM written)")
        ctes = f"{before}, " if before else ""
        return await conn.fetchrow(f"WITH {ctes}written AS ({write}), published AS ({insert}) SELECT * FROM written",
                                   *args, *rows)

    async def with_read(self, conn: asyncpg.Connection, read: str, args: Sequence, access: AccessLogged, *,
                        person: str, shown: str) -> asyncpg.Record:
        """`read` (a SELECT of one row, its parameters `args`) and the read's access-log entry in
        one statement, so that reading and logging are one round trip: `access`
        (`UnitOfWork.read_of`, made before the person is known) is recorded naming the person
        `person`, an SQL expression over the row (`read_row.<column>`), only when `shown`, an SQL
        condition over it, holds: it must hold only where the caller's own checks will show what
        was read (a refused read is not a read). The row comes back with `logged`, whether the
        entry was recorded; a caller that shows a read whose `logged` is false logs it itself."""
        event_type = type_of(access)
        p = [f"${i}" for i in range(len(args) + 1, len(args) + 9)]
        insert = (
            "INSERT INTO outbox (id, topic, key, type, source, time, data, trace_context)"
            f" SELECT {p[0]}::uuid, {p[1]}, coalesce(({person})::text, {p[2]}), {p[3]}, {p[4]}, {p[5]}::timestamptz,"
            f"        jsonb_set(jsonb_set({p[6]}::text::jsonb, '{{person_id}}', coalesce(to_jsonb({person}), 'null')),"
            f"                  '{{person_ids}}', CASE WHEN ({person}) IS NULL THEN '[]'::jsonb"
            f"                                         ELSE jsonb_build_array({person}) END),"
            f"        {p[7]}::text::jsonb"
            f"   FROM read_row WHERE {shown} RETURNING id")
        return await conn.fetchrow(
            f"WITH read_row AS ({read}), published AS ({insert})"
            " SELECT read_row.*, EXISTS (SELECT FROM published) AS logged FROM read_row",
            *args, uuid7(), event_type.topic, access.resource, event_type.name, self.source,
            self.clock.now(), access.model_dump_json(), _carrier(None))

    def _rows(self, events: Sequence[Pending]) -> tuple[list[UUID], list]:
        """The events' ids, and the ten parameters of `_INSERT` that record them."""
        types = [type_of(event.data) for event in events]
        ids = [uuid7() for _ in events]
        return ids, [ids, [t.topic for t in types], [event.key for event in events], [t.name for t in types],
                     self.source, self.clock.now(), [event.subject for event in events],
                     [None if event.trace is None else _carrier(event.trace) for event in events],
                     [event.data.model_dump_json() for event in events], _carrier(None)]


# Events recorded in order, from ten parameters ({0}-{9}: their numbers); `only_if` may hold them back.
_INSERT = (
    "INSERT INTO outbox (id, topic, key, type, source, subject, time, data, trace_context)"
    " SELECT id, topic, key, type, ${4}, subject, ${5}, data::jsonb, coalesce(trace_context, ${9})::jsonb"
    " FROM unnest(${0}::uuid[], ${1}::text[], ${2}::text[], ${3}::text[], ${6}::text[], ${7}::text[], ${8}::text[])"
    "  WITH ORDINALITY AS e(id, topic, key, type, subject, trace_context, data, n){only_if} ORDER BY n"
)


def _carrier(context: otel_context.Context | None) -> str:
    """The trace context (W3C headers) as the outbox keeps it: `context`'s, or the current one's."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=context)
    return json.dumps(carrier)


async def _every(seconds: float, work, failed: str, *, timeout: float | None = None) -> None:
    """Run `work` every `seconds` for good; a round that fails (or outlasts `timeout`) is logged as
    `failed` and the next one comes as usual."""
    while True:
        try:
            await asyncio.wait_for(work(), timeout)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database is away, say: the next round comes all the same
            log.warning("%s: %s", failed, exc)
        await asyncio.sleep(seconds)


class OutboxRelay:
    def __init__(self, schema: str, pool: asyncpg.Pool, producer: AIOKafkaProducer,
                 settings: Settings, faults: Faults, tracer: trace.Tracer | None = None):
        self.schema = schema
        self.tracer = tracer   # None: shared.kafka's
        self.pool = pool
        self.producer = producer
        self.settings = settings
        self.faults = faults
        # A round stopped midway is safe: what it published is published again, and consumers'
        # inboxes take each event once.
        # Events that can wait (ADR 0033: the reads a service reports, the culling confirmations)
        # are published up to HOLD_SECONDS after their commit, a batch at a time, or at once with
        # the next event that cannot wait, in order.
        self._loop = WakeLoop("outbox relay", pool, settings.relay_poll_seconds, channel=f"{schema}_outbox",
                              round_seconds=ROUND_LIMIT_SECONDS, may_hold=can_wait, hold_seconds=HOLD_SECONDS)
        # Read by the metrics (shared/metrics.py): unpublished rows, when the oldest was written and
        # when they were last counted (epoch seconds). Counted by `measure` in a loop of its own,
        # whether publishing works or not: with the broker away the backlog and its age grow; with
        # the database away the count time stops moving and the age still grows.
        self.backlog = 0
        self.oldest_created_at: float | None = None
        self.measured_at = 0.0
        self.measure_seconds = 5.0
        self.prune_seconds = 3600.0

    @property
    def oldest_age_seconds(self) -> float:
        return max(time.time() - self.oldest_created_at, 0.0) if self.oldest_created_at is not None else 0.0

    async def run(self) -> None:
        await self._loop.run(self._publish_pending)

    async def measure_every(self) -> None:
        """Count the backlog every few seconds; while the database is away the count time stops moving."""
        await _every(self.measure_seconds, self.measure, "outbox backlog could not be counted",
                     timeout=self.measure_seconds)

    async def prune_every(self) -> None:
        """Delete published events older than OMSORG_OUTBOX_RETENTION_HOURS, once an hour; while the
        database is away the next round deletes them."""
        await _every(self.prune_seconds, self.prune, "published outbox rows could not be pruned")

    async def prune(self) -> int:
        """Delete the events published more than the retention ago (by the database's clock, which
        stamped them); the rows deleted. An unpublished event stays however old it is."""
        deleted = await self.pool.fetchval(
            "WITH gone AS (DELETE FROM outbox WHERE published_at < now() - make_interval(hours => $1)"
            " RETURNING 1) SELECT count(*) FROM gone", self.settings.outbox_retention_hours)
        return int(deleted)

    async def measure(self) -> None:
        row = await self.pool.fetchrow(
            "SELECT count(*) AS n, extract(epoch FROM min(created_at)) AS oldest"
            " FROM outbox WHERE published_at IS NULL")
        self.backlog = row["n"]
        self.oldest_created_at = float(row["oldest"]) if row["oldest"] is not None else None
        self.measured_at = time.time()

    async def _publish_pending(self) -> None:
        try:
            while await self.publish_batch() == self.settings.relay_batch_size:
                pass
        except (OSError, asyncpg.PostgresError, asyncio.TimeoutError) as exc:
            log.warning("outbox relay could not publish, will retry: %s", exc)
        except asyncpg.InterfaceError:
            raise
        except Exception:
            log.exception("outbox relay failed, will retry")

    async def publish_batch(self) -> int:
        """Publish one batch of unpublished rows in order; returns how many were published.

        One relay of the service publishes at a time (a transaction lock per schema): with two
        relays publishing batches side by side (replicas), a later batch could reach the broker
        before an earlier one, and the events of a case would arrive out of order. A replica that
        finds the lock taken publishes nothing (0) and waits for its next wake-up or poll, so it
        takes over when the other one stops.

        The lock, the choice of the rows and their marking as published are one statement in the
        batch's transaction, which commits only once the broker has acknowledged every row: a
        relay that fails or dies before that leaves them unpublished, and they are sent again."""
        async with self.pool.acquire() as conn, conn.transaction():
            rows = sorted(await conn.fetch(_TAKE_BATCH, f"omsorg-relay-{self.schema}", self.settings.relay_batch_size),
                          key=lambda row: row["seq"])
            if not rows:
                return 0
            types = {r["type"] for r in rows}
            self.faults.kill_at("relay_before_publish", *types)
            pending = await self._send_all(rows)
            await asyncio.gather(*pending)
            self.faults.kill_at("relay_after_publish", *types)
            return len(rows)

    async def _send_all(self, rows: Sequence[asyncpg.Record]) -> list[asyncio.Future]:
        """Each row as a CloudEvent in Kafka binary mode, in order: its attributes in headers, its
        data (as PostgreSQL's jsonb gives it back) as the body. The rows of one topic that continue
        the same trace (the events of one request or one firing of timers) are sent in one producer
        span, a child of that trace (`SendSpan`); a row without a stored trace in a span of its own."""
        grouped = [(_trace_group(row), row) for row in rows]
        groups = Counter(group for group, _ in grouped)
        spans: dict[tuple, SendSpan] = {}
        pending = []
        try:
            for group, row in grouped:
                topic, key = self.settings.topic(row["topic"]), row["key"].encode()
                span = spans.get(group)
                if span is None:
                    one = groups[group] == 1
                    span = spans[group] = SendSpan(topic, parent=propagate.extract(row["trace_context"] or {}),
                                                   count=groups[group], key=key if one else None,
                                                   message_id=str(row["id"]) if one else None, tracer=self.tracer)
                headers = kafka_headers(id=row["id"], source=row["source"], type=row["type"], subject=row["subject"],
                                        time=row["time"])
                pending.append(await span.send(self.producer, key=key, value=row["body"].encode(), headers=headers))
        finally:
            for span in spans.values():
                span.close()
        return pending


# How long a relay may hold back events that can wait before it publishes them.
HOLD_SECONDS = 1.0


def can_wait(types: str) -> bool:
    """Whether a wake-up (the types a statement wrote, comma-separated, as the outbox's trigger
    names them) is only of events that can wait (`CAN_WAIT`)."""
    return bool(types) and CAN_WAIT.issuperset(types.split(","))


def _trace_group(row: asyncpg.Record) -> tuple:
    """The rows of one topic with the same stored trace context share a producer span; a row
    without one (written outside any trace) has a group of its own."""
    context = row["trace_context"]
    return (row["topic"], tuple(sorted(context.items())) if context else row["id"])


# The relay's turn (the schema's lock; no rows without it) and the next unpublished rows, marked
# published in the same statement; the mark holds only if the batch's transaction commits.
_TAKE_BATCH = """
WITH turn AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ours),
     batch AS (SELECT seq FROM outbox, turn WHERE turn.ours AND published_at IS NULL
               ORDER BY seq LIMIT $2 FOR UPDATE OF outbox)
UPDATE outbox SET published_at = now() FROM batch WHERE outbox.seq = batch.seq
RETURNING outbox.seq, outbox.id, outbox.topic, outbox.key, outbox.type, outbox.source, outbox.subject,
          outbox.time, outbox.data::text AS body, outbox.trace_context
"""
