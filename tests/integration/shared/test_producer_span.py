"""The relay's producer span: a child of the stored context, named and described for the broker
and topic, its traceparent in the message's headers, ended when the broker has acknowledged the
message, and marked as an error when the message is refused; the events of one trace in one
batch share one span that counts them."""
import secrets
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import MessageSizeTooLargeError
from opentelemetry import propagate
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from shared.db import create_pool, migrate
from shared.faults import Faults
from shared.kafka import SendSpan, create_producer, ensure_topics, kafka_options
from shared.outbox import OutboxRelay
from tests.stack import read_topic


@pytest.fixture
def spans():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter, provider.get_tracer("test")


async def _producer(env) -> AIOKafkaProducer:
    await ensure_topics(env.settings)
    producer = AIOKafkaProducer(**kafka_options(env.settings))
    await producer.start()
    return producer


async def test_the_span_continues_the_stored_trace_and_its_traceparent_travels(env, spans):
    exporter, tracer = spans
    topic = env.topic("registry.events")
    trace_id, caller = secrets.token_hex(16), secrets.token_hex(8)
    parent = propagate.extract({"traceparent": f"00-{trace_id}-{caller}-01"})
    producer = await _producer(env)
    try:
        span = SendSpan(topic, parent=parent, key=b"case-1", message_id="e-1", tracer=tracer)
        sent = await span.send(producer, key=b"case-1", value=b"{}", headers=[("ce_type", b"case.opened")])
        span.close()
        await sent
    finally:
        await producer.stop()

    (span,) = exporter.get_finished_spans()
    assert span.name == f"{topic} send" and span.kind == SpanKind.PRODUCER
    assert format(span.context.trace_id, "032x") == trace_id
    assert format(span.parent.span_id, "016x") == caller
    assert span.attributes["messaging.destination.name"] == topic
    assert span.attributes["messaging.kafka.message.key"] == "case-1"
    assert span.attributes["messaging.message.id"] == "e-1"
    assert span.status.status_code != StatusCode.ERROR

    (record,) = [r for r in await read_topic(env.settings, topic, at_least=1) if r.key == b"case-1"]
    headers = dict(record.headers)
    assert headers["ce_type"] == b"case.opened"
    assert headers["traceparent"].decode() == f"00-{trace_id}-{format(span.context.span_id, '016x')}-01"


async def test_a_refused_message_ends_its_span_as_an_error(env, spans):
    exporter, tracer = spans
    producer = await _producer(env)
    try:
        topic = env.topic("registry.events")
        with pytest.raises(MessageSizeTooLargeError):
            await SendSpan(topic, key=b"big", tracer=tracer).send(producer, key=b"big", value=b"x" * 2_000_000,
                                                                 headers=[])
    finally:
        await producer.stop()
    (span,) = exporter.get_finished_spans()
    assert span.status.status_code == StatusCode.ERROR
    assert span.events and span.events[0].name == "exception"


async def test_the_relay_sends_the_events_of_one_trace_in_one_span_and_others_apart(env, spans):
    """Three events written under one trace (one request, one firing of timers) go out in one span
    that counts them, each with that span's traceparent; an event of another trace and one written
    outside any trace each get a span of their own. Every span ends once its events are acknowledged."""
    exporter, tracer = spans
    settings = env.settings
    await ensure_topics(settings)
    pool = await create_pool(settings.database_url, "spans", min_size=1, max_size=2)
    await migrate(pool, "spans", Path("/nonexistent"))
    one, other = secrets.token_hex(16), secrets.token_hex(16)
    contexts = {"a": one, "b": one, "c": one, "d": other, "e": None}
    await pool.executemany(
        "INSERT INTO outbox (id, topic, key, type, source, time, data, trace_context)"
        " VALUES ($1, 'registry.events', $2, 'case.note', 'test', now(), '{}', $3::jsonb)",
        [(uuid.uuid4(), f"{key}-{one}", {"traceparent": f"00-{trace_id}-{'1' * 16}-01"}
          if trace_id else {}) for key, trace_id in contexts.items()])
    producer = create_producer(settings)
    await producer.start()
    try:
        relay = OutboxRelay("spans", pool, producer, settings, Faults(""), tracer=tracer)
        assert await relay.publish_batch() == 5
    finally:
        await producer.stop()
        await pool.close()

    finished = exporter.get_finished_spans()
    assert len(finished) == 3, [s.name for s in finished]
    by_trace = {format(s.context.trace_id, "032x"): s for s in finished if s.parent is not None}
    shared, alone = by_trace[one], by_trace[other]
    assert shared.attributes["messaging.batch.message_count"] == 3
    assert "messaging.message.id" not in shared.attributes and "messaging.kafka.message.key" not in shared.attributes
    assert "messaging.batch.message_count" not in alone.attributes and alone.attributes["messaging.kafka.message.key"]
    (root,) = [s for s in finished if s.parent is None]
    assert root.attributes["messaging.kafka.message.key"] == f"e-{one}"

    records = {r.key.decode(): dict(r.headers) for r in await read_topic(settings, settings.topic("registry.events"),
                                                                          at_least=5) if r.key.decode().endswith(one)}
    assert len(records) == 5
    span_of = {format(s.context.span_id, "016x"): s for s in finished}
    for key in "abc":
        assert span_of[records[f"{key}-{one}"]["traceparent"].decode().split("-")[2]] is shared
    assert span_of[records[f"d-{one}"]["traceparent"].decode().split("-")[2]] is alone
    assert span_of[records[f"e-{one}"]["traceparent"].decode().split("-")[2]] is root
