"""The relay's producer span: one per message, a child of the stored context, named and described
for the broker and topic, its traceparent in the message's headers, ended when the broker has
acknowledged the message, and marked as an error when the message is refused."""
import secrets

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import MessageSizeTooLargeError
from opentelemetry import propagate
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from shared.kafka import ensure_topics, kafka_options, send_traced
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
        sent = await send_traced(producer, topic, key=b"case-1", value=b"{}", headers=[("ce_type", b"case.opened")],
                                 parent=parent, message_id="e-1", tracer=tracer)
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
        with pytest.raises(MessageSizeTooLargeError):
            await send_traced(producer, env.topic("registry.events"), key=b"big", value=b"x" * 2_000_000,
                              headers=[], tracer=tracer)
    finally:
        await producer.stop()
    (span,) = exporter.get_finished_spans()
    assert span.status.status_code == StatusCode.ERROR
    assert span.events and span.events[0].name == "exception"
