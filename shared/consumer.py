"""Kafka consumer with an inbox, bounded retries and a dead-letter topic.

Each event's effect and its inbox row are written in one transaction (one per fetched batch, whose
inbox rows are written in one statement, falling back to one per event when any event of the
batch fails), so redelivery
(after a crash, a rebalance or a republish by the outbox relay) has no second effect.
Offsets are committed at most once a second (and when the consumer stops, and for the partitions
a rebalance takes away, what was handled of them), not after each batch: what a crash leaves
uncommitted is read again, and the inbox skips it. Each commit
is a request to the broker, which writes it to its offsets topic; at one per batch, commits took
more than half of the broker's CPU for an event (ADR 0029). Topics on which a service handles
only events that can wait (the culling confirmations, shared/events/consumers.py) are read by an
unhurried consumer of their own, which asks the broker for events every UNHURRIED_WAIT_SECONDS
instead of at each one (ADR 0030). An event that cannot be processed
(malformed, unknown type, or its handler keeps failing) goes to `<topic>.dlq` with the
error and the consumer moves on; an unreachable database or broker is waited out
instead, because sending everything to the DLQ while PostgreSQL restarts would be loss.
"""
import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.structs import ConsumerRecord
from opentelemetry import propagate, trace
from pydantic import BaseModel

from shared.db import DATABASE_AWAY
from shared.events import EVENT_TYPES, Envelope, MalformedEvent, from_kafka, parse_data
from shared.events.consumers import consumer_group, split_by_urgency
from shared.events.types import dead_letter_topic
from shared.faults import Faults
from shared.kafka import kafka_options
from shared.metrics import DEAD_LETTERS, RETRIES
from shared.settings import Settings
from shared.unit_of_work import UnitOfWork, Work

log = logging.getLogger(__name__)
# Partitions are handled side by side, so two transactions may meet (a deadlock, a serialization
# failure): the loser is tried again, never counted towards the dead-letter topic.
CONTENDED = (asyncpg.exceptions.DeadlockDetectedError, asyncpg.exceptions.SerializationError)
tracer = trace.get_tracer("omsorg.consumer")
# How often, at most, a consumer commits its offsets: the events of up to this long are read again
# after a crash (and skipped by the inbox).
COMMIT_SECONDS = 1.0
# How long a rebalance waits, at most, for the commit of what was handled of the partitions it
# takes away (ADR 0035); without it, the new owner starts at the last periodic commit.
HANDOVER_COMMIT_SECONDS = 5.0
# How long the broker holds an unhurried consumer's fetch when fewer than UNHURRIED_FETCH_BYTES
# have come: its events wait up to this long, and it asks about once in this time rather than at
# every event on its topics. Well under `lag_seconds`, the time the lag's measurement may take:
# the broker answers a connection's requests in turn, and the end offsets wait behind the fetch.
UNHURRIED_WAIT_SECONDS = 2.0
# Or until this much has come: however many events a second its topics carry, it stays a few
# hundred events (of about 1 KB) behind at most, well under the lag alert's 1,000
# (deploy/prometheus/alerts.yml).
UNHURRIED_FETCH_BYTES = 256 * 1024

# A handler does its work in the consumer's unit of work (the batch's transaction, which also
# holds the events' inbox rows); it never opens a transaction of its own.
Handler = Callable[[UnitOfWork, Envelope, BaseModel], Awaitable[None]]



class EventConsumer:
    def __init__(self, service: str, handlers: dict[str, Handler],
                 work: Work, producer: AIOKafkaProducer, settings: Settings, faults: Faults,
                 *, unhurried: bool = False):
        """`unhurried`: the consumer of the service's events that can wait, in a group of its own
        (`<service>.unhurried`), fetching at most every UNHURRIED_WAIT_SECONDS (`split_unhurried`)."""
        unknown = set(handlers) - set(EVENT_TYPES)
        if unknown:
            raise ValueError(f"handlers for unknown event types: {sorted(unknown)}")
        self.name = service   # the inbox's consumer and the metrics' service, in both consumers
        self.group = consumer_group(service, unhurried)
        self.unhurried = unhurried
        self.topics = [settings.topic(t) for t in consumed_topics(handlers)]
        self.handlers = handlers
        self.work = work
        self.producer = producer
        self.settings = settings
        self.faults = faults
        # Read by the metrics: per topic, messages not yet processed, and when that was last
        # measured (epoch seconds; 0: never). Measured every `lag_seconds` by a loop of its own,
        # so the lag grows while a handler waits for the database, and the measurement time stops
        # while the broker is away.
        self.lag: dict[str, int] = {}
        self.lag_measured_at = 0.0
        self.lag_seconds = 5.0
        self._next_offsets: dict = {}

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(
            **kafka_options(self.settings),
            group_id=self.settings.topic(self.group),
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            **({"fetch_max_wait_ms": int(UNHURRIED_WAIT_SECONDS * 1000), "fetch_min_bytes": UNHURRIED_FETCH_BYTES}
               if self.unhurried else {}),
        )
        consumer.subscribe(self.topics, listener=_HandedOver(self, consumer))
        await consumer.start()
        for topic in self.topics:  # in /metrics from the start at 0: the first one is an increase
            DEAD_LETTERS.add(0, {"service": self.name, "topic": topic})
            RETRIES.add(0, {"service": self.name, "topic": topic})
        measuring = asyncio.create_task(self._measure_lag_every(consumer))
        loop = asyncio.get_running_loop()
        committed_at, uncommitted = loop.time(), False
        since_commit: set[str] = set()   # the event types handled since the last commit (for faults)
        try:
            while True:
                try:
                    # Up to half a second when nothing comes, so that what is uncommitted is
                    # committed within COMMIT_SECONDS and a half of the last event.
                    batches = await consumer.getmany(timeout_ms=500, max_records=200)
                    # The partitions side by side, each in order: the events of one key (a case)
                    # share a partition, so their order holds; one failing stops the others.
                    async with asyncio.TaskGroup() as partitions:
                        for tp, messages in batches.items():
                            partitions.create_task(self._handle_partition(tp, messages))
                    uncommitted = uncommitted or bool(batches)
                    if self.faults:
                        since_commit.update(_first_headers(m.headers).get("ce_type", "")
                                            for ms in batches.values() for m in ms)
                    if uncommitted and loop.time() - committed_at >= COMMIT_SECONDS:
                        if self.faults:  # the effects committed, their offsets not: read again
                            self.faults.kill_at("consumer_before_offsets", *since_commit)
                        await consumer.commit()
                        committed_at, uncommitted = loop.time(), False
                        since_commit.clear()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    # Nothing of this batch was committed: go back and take it again.
                    log.exception("consumer %s failed on a batch; rereading from the last commit", self.group)
                    await asyncio.sleep(1)
                    await consumer.seek_to_committed()
        finally:
            measuring.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await measuring
            if uncommitted:  # what was handled or skipped since the last commit; read again (and
                             # skipped by the inbox) if this does not get through in time
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(consumer.commit(), 2)
            await consumer.stop()

    async def _handle_partition(self, tp, messages: list[ConsumerRecord]) -> None:
        """Handle the partition's events that concern this service."""
        concerning = [m for m in messages if self.concerns(m)]
        if concerning:
            await self.handle_batch(concerning)
        self._next_offsets[tp] = messages[-1].offset + 1

    def concerns(self, message: ConsumerRecord) -> bool:
        """Whether the event is for this service to handle, read from its type header alone: an
        event of a known type that it has no handler for is skipped without a transaction or a
        span (most events on a topic are for other services); one without a known type goes on
        to the dead-letter topic."""
        kind = _first_headers(message.headers).get("ce_type")
        return kind not in EVENT_TYPES or kind in self.handlers

    async def _measure_lag_every(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            # Waits first: just after the start, new topics may not have their leaders yet.
            await asyncio.sleep(self.lag_seconds)
            try:
                await asyncio.wait_for(self.measure_lag(consumer), self.lag_seconds)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the broker is away: the measurement time stops moving
                log.warning("consumer %s could not measure its lag: %s", self.group, exc)

    async def commit_handled(self, consumer: AIOKafkaConsumer, partitions) -> None:
        """Commit what this process handled of `partitions` as a rebalance takes them away, so that
        the replica that takes them over starts after it instead of at the last periodic commit.
        Only events whose batch has finished count (`_next_offsets`): one still in progress is
        read again by the new owner and skipped by the inbox, as after a crash. A commit the
        broker refuses (the group has moved on) or does not answer within HANDOVER_COMMIT_SECONDS
        (the rebalance waits for it) leaves the periodic one in force."""
        handled = {tp: self._next_offsets.pop(tp) for tp in partitions if tp in self._next_offsets}
        if not handled:
            return
        try:
            await asyncio.wait_for(consumer.commit(handled), HANDOVER_COMMIT_SECONDS)
        except Exception as exc:
            log.warning("consumer %s could not commit the partitions handed over: %s", self.group, exc)

    async def measure_lag(self, consumer: AIOKafkaConsumer) -> None:
        """The lag per topic: the end of each assigned partition, asked of the broker, less the
        next offset to process (what this process handled, else the group's committed offset)."""
        assigned = list(consumer.assignment())
        ends = await consumer.end_offsets(assigned) if assigned else {}
        lag: dict[str, int] = {}
        for tp in assigned:
            position = self._next_offsets.get(tp)
            if position is None:
                position = await consumer.committed(tp) or 0
            lag[tp.topic] = lag.get(tp.topic, 0) + max(ends[tp] - position, 0)
        self.lag = lag
        self.lag_measured_at = time.time()

    async def handle_batch(self, messages: list[ConsumerRecord]) -> None:
        """The events of one fetched partition batch in one transaction: one BEGIN and COMMIT
        instead of one per event. If any event of the batch fails (a bad event, a handler
        error, the database going away), nothing of the batch is kept, and its events are
        handled one by one, each with its retries and, at the end, the dead-letter topic."""
        if len(messages) > 1:
            try:
                async with self.work() as uow:
                    new = await self._claim(uow, messages)
                    for message in messages:
                        await self.handle(message, batch=uow, new=new)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("consumer %s handles a batch of %d one by one: %s", self.name, len(messages), exc)
        for message in messages:
            await self.handle(message)

    async def _claim(self, uow: UnitOfWork, messages: list[ConsumerRecord]) -> set[uuid.UUID]:
        """The inbox rows of a batch's events that this service handles, in one statement in the
        batch's transaction; returns the ids of those it had not seen (an id the inbox already
        holds, or one repeated in the batch, comes back once at most). An id that is not a UUID
        fails the batch, which is then handled one event at a time."""
        ids, types = [], []
        for message in messages:
            headers = _first_headers(message.headers)
            if headers.get("ce_type") in self.handlers:
                ids.append(uuid.UUID(headers.get("ce_id", "")))
                types.append(headers["ce_type"])
        return await self._inbox(uow, ids, types) if ids else set()

    async def _inbox(self, uow: UnitOfWork, ids: list[uuid.UUID], types: list[str]) -> set[uuid.UUID]:
        """The events' inbox rows written (one for each id, however often it is given); the ids of
        the rows written now, not there before."""
        rows = await uow.conn.fetch(
            "INSERT INTO inbox (consumer, event_id, type) SELECT $1, e.id, e.type"
            " FROM unnest($2::uuid[], $3::text[]) AS e(id, type) ON CONFLICT DO NOTHING RETURNING event_id",
            self.name, ids, types)
        return {row["event_id"] for row in rows}

    async def handle(self, message: ConsumerRecord, batch: UnitOfWork | None = None,
                     new: set[uuid.UUID] | None = None) -> None:
        """Handle one event. In a batch (`batch` is its transaction, `new` the ids its inbox rows
        were written for) a failure is raised to the batch; alone, a malformed event goes to the
        dead-letter topic and a failing one is retried."""
        carrier = _first_headers(message.headers)
        with tracer.start_as_current_span(
            f"{carrier.get('ce_type', 'unknown')} process", context=propagate.extract(carrier),
            kind=trace.SpanKind.CONSUMER,
            attributes={"messaging.system": "kafka", "messaging.destination.name": message.topic,
                        "messaging.consumer.group.name": self.group,
                        "messaging.message.id": carrier.get("ce_id", "")},
        ) as span:
            try:
                envelope = from_kafka(message.headers, message.value)
                if envelope.type not in EVENT_TYPES:
                    raise MalformedEvent(f"unknown event type {envelope.type!r}")
                handler = self.handlers.get(envelope.type)
                if handler is None:
                    return
                data = parse_data(envelope)
            except MalformedEvent as exc:
                span.set_status(trace.Status(trace.StatusCode.ERROR, str(exc)))
                if batch is not None:
                    raise
                await self.dead_letter(message, exc)
                return
            if batch is not None:
                await self._apply(batch, envelope, data, handler, new)
            else:
                await self._process_with_retries(message, envelope, data, handler, span)

    async def _process_with_retries(self, message, envelope, data, handler, span) -> None:
        attempt = 0
        while True:
            try:
                await self._process(envelope, data, handler)
                return
            except DATABASE_AWAY as exc:
                log.warning("consumer %s waits for the database: %s", self.name, exc)
                await asyncio.sleep(1)
            except CONTENDED as exc:  # another partition's transaction was in the way: not a failure
                log.warning("consumer %s: %s %s meets another transaction, again: %s",
                            self.name, envelope.type, envelope.id, exc)
                await asyncio.sleep(0.05)
            except Exception as exc:
                attempt += 1
                if attempt > self.settings.consumer_retries:
                    span.record_exception(exc)
                    span.set_status(trace.Status(trace.StatusCode.ERROR, str(exc)))
                    await self.dead_letter(message, exc)
                    return
                RETRIES.add(1, {"service": self.name, "topic": message.topic})
                log.warning("consumer %s: %s %s failed (attempt %d): %s",
                            self.name, envelope.type, envelope.id, attempt, exc)
                await asyncio.sleep(self.settings.consumer_retry_backoff_seconds * 2 ** (attempt - 1))

    async def _process(self, envelope: Envelope, data: BaseModel, handler: Handler) -> None:
        async with self.work() as uow:
            await self._apply(uow, envelope, data, handler)

    async def _apply(self, uow: UnitOfWork, envelope: Envelope, data: BaseModel, handler: Handler,
                     new: set[uuid.UUID] | None = None) -> None:
        """The event's effect and its inbox row, in the caller's unit of work; a second delivery
        of the same event finds its inbox row and has no effect. In a batch whose inbox rows were
        written at once (`new`, see `_claim`), the event takes its id out of `new`: a copy of it
        later in the batch finds it gone."""
        if new is None:
            new = await self._inbox(uow, [envelope.id], [envelope.type])
        first_time = envelope.id in new
        new.discard(envelope.id)
        if first_time:
            await handler(uow, envelope, data)
            # Dies with the event's effect done and not committed (the consumer's transaction is open).
            self.faults.kill_at("consumer_before_commit", envelope.type)

    async def dead_letter(self, message: ConsumerRecord, error: Exception) -> None:
        log.error("consumer %s sends %s[%d]@%d to the dead-letter topic: %s",
                  self.name, message.topic, message.partition, message.offset, error)
        headers = list(message.headers or ()) + [
            ("dlq_error", str(error).encode()[:4000]),
            ("dlq_error_type", type(error).__name__.encode()),
            ("dlq_consumer", self.name.encode()),
            ("dlq_topic", message.topic.encode()),
            ("dlq_partition", str(message.partition).encode()),
            ("dlq_offset", str(message.offset).encode()),
        ]
        await self.producer.send_and_wait(dead_letter_topic(message.topic), value=message.value,
                                          key=message.key, headers=headers)
        DEAD_LETTERS.add(1, {"service": self.name, "topic": message.topic})


def consumed_topics(handlers: dict[str, Handler]) -> list[str]:
    """The topics a service reads: those its handled event types are published on."""
    return sorted({EVENT_TYPES[name].topic for name in handlers})


def split_unhurried(service: str, handlers: dict[str, Handler]) -> tuple[dict[str, Handler], dict[str, Handler]]:
    """The handlers of the service's prompt consumer and of its unhurried one
    (shared/events/consumers.py: split_by_urgency)."""
    prompt, _ = split_by_urgency(service, handlers, lambda name: EVENT_TYPES[name].topic)
    return ({name: h for name, h in handlers.items() if name in prompt},
            {name: h for name, h in handlers.items() if name not in prompt})


def consumer_lanes(service: str, handlers: dict[str, Handler]) -> list[tuple[bool, dict[str, Handler]]]:
    """The consumers a service runs, as (unhurried, their handlers): the prompt one and the
    unhurried one, each only if it has something to handle."""
    return [(unhurried, lane) for unhurried, lane in zip((False, True), split_unhurried(service, handlers)) if lane]


class _HandedOver(ConsumerRebalanceListener):
    """What a rebalance tells the consumer: the partitions taken away get what was handled of
    them committed (`EventConsumer.commit_handled`); those given, counted from the group's
    committed offset until this process has handled some of them."""

    def __init__(self, owner: EventConsumer, consumer: AIOKafkaConsumer):
        self.owner = owner
        self.consumer = consumer

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self.owner.commit_handled(self.consumer, revoked)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        for tp in assigned:
            self.owner._next_offsets.pop(tp, None)


def _first_headers(headers) -> dict[str, str]:
    """Header name to value, keeping the first of repeated names (as W3C readers do)."""
    carrier: dict[str, str] = {}
    for name, value in headers or ():
        if name not in carrier and value is not None:
            carrier[name] = value.decode("utf-8", errors="replace")
    return carrier
