"""Events on a topic that are for other services are skipped without a transaction or a span,
yet the consumer moves past them: the events after them are handled, and their offsets are
committed at the latest when the consumer stops, so a restart does not read them again."""
import signal
import uuid

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import ConsumerRecord

from shared.consumer import EventConsumer
from shared.events import Envelope, to_kafka
from shared.kafka import kafka_options
from tests.integration.shared.test_consumer_batches import _count_cases, _stopped_journal
from tests import clock
from tests.integration.shared.test_dead_letter import _malformed, _valid
from tests.stack import eventually


def _decision_made() -> tuple[list, bytes]:
    """An event on the registry's topic that the journal has no handler for."""
    return to_kafka(Envelope(id=uuid.uuid4(), source="omsorg/registry", type="decision.made", time=clock.now(),
                             data={"decision_id": str(uuid.uuid4()), "case_id": str(uuid.uuid4())}))


def _record(headers) -> ConsumerRecord:
    return ConsumerRecord(topic="t", partition=0, offset=0, timestamp=0, timestamp_type=0, key=None,
                          value=b"{}", checksum=None, serialized_key_size=0, serialized_value_size=2,
                          headers=headers)


def test_a_consumer_is_concerned_only_with_its_own_types_and_with_what_it_cannot_read(env):
    consumer = EventConsumer.__new__(EventConsumer)
    consumer.handlers = {"case.opened": None}
    assert consumer.concerns(_record(_valid(uuid.uuid4())[0]))
    assert not consumer.concerns(_record(_decision_made()[0]))
    # Unknown type and no envelope: handled, that is sent to the dead-letter topic.
    assert consumer.concerns(_record(_malformed()["unknown_type"][0]))
    assert consumer.concerns(_record(_malformed()["no_envelope"][0]))


async def _produce(env, records) -> int:
    producer = AIOKafkaProducer(**kafka_options(env.settings))
    await producer.start()
    try:
        for headers, body in records:
            sent = await producer.send_and_wait(env.topic("registry.events"), value=body, key=b"k",
                                                headers=headers, partition=0)
        return sent.offset + 1
    finally:
        await producer.stop()


async def _committed(env, group: str) -> int | None:
    consumer = AIOKafkaConsumer(**kafka_options(env.settings), group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        return await consumer.committed(TopicPartition(env.topic("registry.events"), 0))
    finally:
        await consumer.stop()


async def test_skipped_events_are_passed_and_committed_by_the_time_the_consumer_stops(env):
    journal = await _stopped_journal(env)
    first, last = uuid.uuid4(), uuid.uuid4()
    await _produce(env, [_valid(first)] + [_decision_made() for _ in range(5)] + [_valid(last)])
    journal.start()
    await journal.wait_ready()

    async def both_there():
        seen = await _count_cases(env, [first, last])
        return seen if len(seen["cases"]) == 2 else None

    seen = await eventually(both_there)
    assert seen and seen["inbox"] == 2, "the skipped events are not in the inbox, and do not stop the ones after"

    # Only skipped events after the last handled one: committed when the journal stops.
    end = await _produce(env, [_decision_made() for _ in range(3)])

    async def passed():  # the journal's measured lag on the topic (every 5 s) is back to 0
        async with httpx.AsyncClient(timeout=10) as client:
            text = (await client.get(f"{journal.url}/metrics")).text
        lags = [line for line in text.splitlines()
                if line.startswith("omsorg_consumer_lag{") and env.topic("registry.events") in line]
        return bool(lags) and all(float(line.rsplit(" ", 1)[1]) == 0 for line in lags)

    assert await eventually(passed, timeout=30)
    journal.kill(signal.SIGTERM)
    journal.popen.wait(timeout=30)
    assert await _committed(env, env.topic("journal")) == end
