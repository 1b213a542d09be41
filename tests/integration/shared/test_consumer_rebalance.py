"""A replica that hands partitions over in a rebalance commits what it handled of them first, so
the replica that takes them over starts after it, not at the last periodic commit: with the
periodic commit held off, the group's offsets are those of every handled event as soon as a second
replica has joined, and the second replica is given none of them again."""
import asyncio
import uuid
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

import shared.consumer
from shared.clock import Clock
from shared.consumer import EventConsumer
from shared.db import create_pool, migrate
from shared.events.consumers import consumer_group
from shared.faults import Faults
from shared.kafka import ensure_topics, kafka_options
from shared.outbox import Outbox
from shared.unit_of_work import Work
from tests.integration.shared.test_dead_letter import _valid
from tests.stack import eventually

EVENTS = 30


class _Seen(EventConsumer):
    """The consumer as it runs, noting each event it is given (handled or skipped by the inbox)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.given: list[tuple[TopicPartition, int]] = []

    async def _handle_partition(self, tp, messages) -> None:
        self.given.extend((tp, m.offset) for m in messages)
        await super()._handle_partition(tp, messages)


async def test_a_replica_commits_what_it_handled_before_handing_partitions_over(env, monkeypatch):
    # No periodic commit during the test: only the hand-over can commit.
    monkeypatch.setattr(shared.consumer, "COMMIT_SECONDS", 3600.0)
    settings = env.settings.model_copy(update={"kafka_topic_partitions": 4})
    topic = settings.topic("registry.events")
    group = settings.topic(consumer_group("handover", False))
    await ensure_topics(settings, groups=[group])
    pool = await create_pool(settings.database_url, "handover", min_size=1, max_size=10)
    await migrate(pool, "handover", Path("/nonexistent"))
    await pool.execute("CREATE TABLE handled (replica int NOT NULL, event_id uuid PRIMARY KEY)")
    work = Work(pool, Outbox("handover", settings, Clock()), Clock(), settings)

    def recorder(replica: int):
        async def handled(uow, envelope, data):
            await uow.conn.execute("INSERT INTO handled (replica, event_id) VALUES ($1, $2)", replica, envelope.id)
        return handled

    producer = AIOKafkaProducer(**kafka_options(settings))
    watcher = AIOKafkaConsumer(**kafka_options(settings), group_id=group, enable_auto_commit=False)
    await producer.start()
    await watcher.start()
    first, second = (_Seen("handover", {"case.opened": recorder(n)}, work, producer, settings, Faults())
                     for n in (1, 2))
    tasks = [asyncio.create_task(first.run())]
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(await producer.partitions_for(topic))]
        assert len(partitions) > 1, partitions
        await asyncio.sleep(3)  # the first replica has every partition
        for _ in range(EVENTS):
            headers, body = _valid(uuid.uuid4())
            await producer.send(topic, value=body, key=uuid.uuid4().bytes, headers=headers)
        await producer.flush()
        ends = await watcher.end_offsets(partitions)

        assert await eventually(lambda: _handled(pool, EVENTS), timeout=30), \
            "the first replica did not handle every event"

        async def committed() -> dict:
            return {tp: await watcher.committed(tp) for tp in partitions}
        assert set((await committed()).values()) == {None}, "committed before any hand-over"

        tasks.append(asyncio.create_task(second.run()))

        async def handed_over() -> bool:  # (a partition no event went to has nothing to commit)
            return {tp: offset for tp, offset in (await committed()).items() if ends[tp]} == \
                {tp: ends[tp] for tp in partitions if ends[tp]}
        assert await eventually(handed_over, timeout=30), (await committed(), ends)

        for _ in range(EVENTS):  # more events, for both replicas now
            headers, body = _valid(uuid.uuid4())
            await producer.send(topic, value=body, key=uuid.uuid4().bytes, headers=headers)
        await producer.flush()
        assert await eventually(lambda: _handled(pool, 2 * EVENTS), timeout=30), "the later events were not handled"
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await watcher.stop()
        await producer.stop()
        rows = await pool.fetch("SELECT replica FROM handled")
        await pool.close()
    assert {r["replica"] for r in rows} == {1, 2} and len(rows) == 2 * EVENTS, "the second replica took no part"
    again = [(tp.partition, offset) for tp, offset in second.given if offset < ends[tp]]
    assert not again, f"events the first replica handled were given to the second again: {again}"


async def _handled(pool, n: int) -> bool:
    return await pool.fetchval("SELECT count(*) FROM handled") == n
