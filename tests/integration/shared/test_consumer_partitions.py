"""Two replicas of a consumer group over six partitions: each takes its share of the partitions
and handles them side by side, and every key's events are handled in the order they were sent,
each once."""
import asyncio
import uuid
from collections import defaultdict
from pathlib import Path

from aiokafka import AIOKafkaProducer

from shared.clock import Clock
from shared.consumer import EventConsumer
from shared.db import create_pool, migrate
from shared.faults import Faults
from shared.kafka import ensure_topics, kafka_options
from shared.outbox import Outbox
from shared.unit_of_work import Work
from tests.integration.shared.test_dead_letter import _valid

CASES = 40
EVENTS_PER_CASE = 15


async def test_two_replicas_over_six_partitions_keep_each_cases_order(env):
    settings = env.settings.model_copy(update={"kafka_topic_partitions": 6})
    await ensure_topics(settings, groups=[settings.topic("ordered")])
    pool = await create_pool(settings.database_url, "ordered", min_size=1, max_size=10)
    await migrate(pool, "ordered", Path("/nonexistent"))
    await pool.execute("CREATE TABLE handled (seq bigserial PRIMARY KEY, replica int NOT NULL,"
                       " partition_key text NOT NULL, event_id uuid NOT NULL)")
    work = Work(pool, Outbox("ordered", settings, Clock()), Clock(), settings)

    def recorder(replica: int):
        async def handled(uow, envelope, data):
            await asyncio.sleep(0.001)  # a handler that waits on something, so partitions interleave
            await uow.conn.execute("INSERT INTO handled (replica, partition_key, event_id) VALUES ($1, $2, $3)",
                                   replica, str(data.case_id), envelope.id)
        return handled

    producer = AIOKafkaProducer(**kafka_options(settings))
    await producer.start()
    consumers = [EventConsumer("ordered", {"case.opened": recorder(n)}, work, producer, settings, Faults())
                 for n in (1, 2)]
    tasks = [asyncio.create_task(c.run()) for c in consumers]
    sent = defaultdict(list)
    try:
        await asyncio.sleep(3)  # both in the group before anything is sent
        cases = [uuid.uuid4() for _ in range(CASES)]
        for _ in range(EVENTS_PER_CASE):  # interleaved: one event of each case, round after round
            for case in cases:
                headers, body = _valid(case)
                event_id = dict(headers)["ce_id"].decode()
                sent[str(case)].append(event_id)
                await producer.send(settings.topic("registry.events"), value=body, key=str(case).encode(),
                                    headers=headers)
        await producer.flush()

        async def count() -> int:
            return await pool.fetchval("SELECT count(*) FROM handled")
        for _ in range(600):
            if await count() >= CASES * EVENTS_PER_CASE:
                break
            await asyncio.sleep(0.1)
        rows = await pool.fetch("SELECT replica, partition_key, event_id FROM handled ORDER BY seq")
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await producer.stop()
        await pool.close()
    handled = defaultdict(list)
    for row in rows:
        handled[row["partition_key"]].append(str(row["event_id"]))
    assert len(rows) == CASES * EVENTS_PER_CASE, f"{len(rows)} of {CASES * EVENTS_PER_CASE} handled"
    for case, ids in sent.items():
        assert handled[case] == ids, f"case {case} out of order or not once"
    assert {row["replica"] for row in rows} == {1, 2}, "one replica did all the work"
