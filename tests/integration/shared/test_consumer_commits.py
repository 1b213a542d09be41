"""A consumer commits its offsets at most once a second, not after every batch, and soon after
the last event when nothing more comes: events arriving one by one, each handled in a batch of
its own, do not cost the broker a commit each."""
import asyncio
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.consumer import COMMIT_SECONDS
from shared.kafka import kafka_options
from tests.integration.shared.test_consumer_batches import _count_cases
from tests.integration.shared.test_dead_letter import _valid
from tests.stack import eventually

EVENTS, APART = 40, 0.05   # two seconds of events, one every 50 ms


async def test_events_one_by_one_are_committed_once_a_second_and_all_by_the_end(env):
    journal = env.start("journal")
    await journal.wait_ready()
    topic = TopicPartition(env.topic("registry.events"), 0)
    watcher = AIOKafkaConsumer(**kafka_options(env.settings), group_id=env.topic("journal"), enable_auto_commit=False)
    producer = AIOKafkaProducer(**kafka_options(env.settings))
    await watcher.start()
    await producer.start()
    seen: list[int | None] = []
    producing = True

    async def watch_commits():
        while producing:
            offset = await watcher.committed(topic)
            if not seen or seen[-1] != offset:
                seen.append(offset)
            await asyncio.sleep(0.005)

    watching = asyncio.create_task(watch_commits())
    try:
        cases = [uuid.uuid4() for _ in range(EVENTS)]
        for case_id in cases:
            headers, body = _valid(case_id)
            sent = await producer.send_and_wait(topic.topic, value=body, key=b"k", headers=headers,
                                                partition=topic.partition)
            await asyncio.sleep(APART)
        end = sent.offset + 1
        handled = await eventually(lambda: _all_handled(env, cases), timeout=30)
        assert handled, "the journal did not handle every event"
        # Nothing more comes: the rest is committed within COMMIT_SECONDS and a poll's wait.
        assert await eventually(lambda: _is(watcher, topic, end), timeout=COMMIT_SECONDS + 3), \
            (await watcher.committed(topic), end)
    finally:
        producing = False
        await watching
        await producer.stop()
        await watcher.stop()
    # A commit per event (or per batch, each event arriving alone) would show tens of offsets here.
    moves = len(seen) - 1
    assert 1 <= moves <= EVENTS * APART / COMMIT_SECONDS + 3, seen


async def _all_handled(env, cases) -> bool:
    return len((await _count_cases(env, cases))["cases"]) == len(cases)


async def _is(watcher: AIOKafkaConsumer, topic: TopicPartition, offset: int) -> bool:
    return await watcher.committed(topic) == offset
