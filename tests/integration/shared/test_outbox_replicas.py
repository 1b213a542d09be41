"""Two replicas of a service run two outbox relays over one outbox: every event is published
once (no crash in between) and the events of one key (a case) reach the topic in the order
they were written, however the relays' rounds interleave."""
import asyncio
import json
import random
import uuid
from collections import defaultdict
from pathlib import Path

from shared.db import create_pool, migrate
from shared.faults import Faults
from shared.kafka import create_producer, ensure_topics
from shared.outbox import OutboxRelay
from tests.stack import read_topic

KEYS = 3
EVENTS = 1000


async def test_two_relays_publish_each_event_once_in_order_per_key(env):
    settings = env.settings.model_copy(update={"relay_batch_size": 7, "relay_poll_seconds": 0.05})
    await ensure_topics(settings)
    pool = await create_pool(settings.database_url, "replicas", min_size=1, max_size=6)
    await migrate(pool, "replicas", Path("/nonexistent"))
    keys = [str(uuid.uuid4()) for _ in range(KEYS)]
    rows = [(uuid.uuid4(), keys[n % KEYS], n) for n in range(EVENTS)]
    await pool.executemany(
        "INSERT INTO outbox (id, topic, key, type, source, time, data)"
        " VALUES ($1, 'registry.events', $2, 'case.note', 'test', now(), $3::jsonb)",
        [(id_, key, {"n": n}) for id_, key, n in rows])
    producers = [create_producer(settings) for _ in range(2)]
    for producer in producers:
        await producer.start()
    relays = [OutboxRelay("replicas", pool, Unhurried(producer), settings, Faults("")) for producer in producers]
    tasks = [asyncio.create_task(relay.run()) for relay in relays]
    try:
        async def unpublished() -> int:
            return await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        for _ in range(600):
            if await unpublished() == 0:
                break
            await asyncio.sleep(0.1)
        assert await unpublished() == 0
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for producer in producers:
            await producer.stop()
        await pool.close()
    records = await read_topic(settings, settings.topic("registry.events"), at_least=EVENTS, timeout=30)
    seen = defaultdict(list)
    for record in records:
        seen[record.key.decode()].append(json.loads(record.value)["n"])
    published = [n for ns in seen.values() for n in ns]
    assert len(published) == EVENTS and len(set(published)) == EVENTS, "an event was lost or published twice"
    for key in keys:
        assert seen[key] == sorted(seen[key]), f"events of {key} out of order: {seen[key][:20]}"


class Unhurried:
    """A replica's real producer, each send a few milliseconds late at random (a busy process)."""

    def __init__(self, producer):
        self.producer = producer

    async def send(self, *args, **kwargs):
        await asyncio.sleep(random.uniform(0, 0.01))
        return await self.producer.send(*args, **kwargs)
