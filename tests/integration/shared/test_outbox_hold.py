"""Events that can wait (ADR 0033) are published a batch at a time: the outbox's trigger names the
types a statement wrote in its wake-up, and the relay holds back a wake-up of only such events
for up to its hold, publishing them at once with the next event that cannot wait, in order."""
import asyncio
import json
import uuid
from pathlib import Path

from shared.db import create_pool, migrate
from shared.faults import Faults
from shared.kafka import create_producer, ensure_topics
from shared.outbox import HOLD_SECONDS, OutboxRelay

SCHEMA = "held"


async def _event(pool, type_: str, topic: str) -> uuid.UUID:
    event_id = uuid.uuid4()
    await pool.execute("INSERT INTO outbox (id, topic, key, type, source, time, data)"
                       " VALUES ($1, $2, $3, $4, 'test', now(), $5::jsonb)",
                       event_id, topic, str(uuid.uuid4()), type_, json.dumps({}))
    return event_id


async def _published_at(pool, event_id: uuid.UUID):
    return await pool.fetchval("SELECT published_at FROM outbox WHERE id = $1", event_id)


async def _until_published(pool, *event_ids: uuid.UUID, within: float) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while any([await _published_at(pool, e) is None for e in event_ids]):
        assert asyncio.get_running_loop().time() < deadline, "not published in time"
        await asyncio.sleep(0.02)


async def test_the_wake_up_names_the_types_written_and_a_statement_without_events_wakes_no_one(env):
    pool = await create_pool(env.settings.database_url, SCHEMA, min_size=1, max_size=3)
    try:
        await migrate(pool, SCHEMA, Path("/nonexistent"))
        heard: asyncio.Queue[str] = asyncio.Queue()
        def hear(*args) -> None:
            heard.put_nowait(args[3])   # (connection, pid, channel, payload)

        async with pool.acquire() as listener:
            await listener.add_listener(f"{SCHEMA}_outbox", hear)
            await _event(pool, "access.logged", "audit.access")
            assert await asyncio.wait_for(heard.get(), 5) == "access.logged"
            await pool.execute(
                "INSERT INTO outbox (id, topic, key, type, source, time, data)"
                " SELECT gen_random_uuid(), t.topic, 'k', t.type, 'test', now(), '{}'"
                " FROM (VALUES ('orders.events', 'order.sent'), ('audit.access', 'access.logged'),"
                "             ('audit.access', 'access.logged')) AS t(topic, type)")
            assert await asyncio.wait_for(heard.get(), 5) == "access.logged,order.sent"
            await pool.execute("INSERT INTO outbox (id, topic, key, type, source, time, data)"
                               " SELECT gen_random_uuid(), 'x', 'k', 'x', 'test', now(), '{}' WHERE false")
            await _event(pool, "order.sent", "orders.events")
            assert await asyncio.wait_for(heard.get(), 5) == "order.sent"   # nothing came between
            await listener.remove_listener(f"{SCHEMA}_outbox", hear)
    finally:
        await pool.close()


async def test_events_that_can_wait_are_held_back_until_the_hold_or_the_next_that_cannot(env):
    settings = env.settings.model_copy(update={"relay_poll_seconds": 60.0})   # no poll within the test
    await ensure_topics(settings)
    pool = await create_pool(settings.database_url, SCHEMA, min_size=1, max_size=4)
    producer = create_producer(settings)
    await producer.start()
    relay = OutboxRelay(SCHEMA, pool, producer, settings, Faults(""))
    task = None
    try:
        await migrate(pool, SCHEMA, Path("/nonexistent"))
        await pool.execute("UPDATE outbox SET published_at = now() WHERE published_at IS NULL")
        task = asyncio.create_task(relay.run())
        await asyncio.sleep(0.5)   # listening

        # Alone, a read is published after the hold, not at once.
        written = asyncio.get_running_loop().time()
        read = await _event(pool, "access.logged", "audit.access")
        await asyncio.sleep(HOLD_SECONDS / 2)
        assert await _published_at(pool, read) is None
        await _until_published(pool, read, within=HOLD_SECONDS + 5)
        assert asyncio.get_running_loop().time() - written >= HOLD_SECONDS * 0.9

        # With an event that cannot wait after it, both go at once, in one batch, in order.
        relay._loop.hold_seconds = 60
        read = await _event(pool, "access.logged", "audit.access")
        await asyncio.sleep(0.3)
        assert await _published_at(pool, read) is None
        sent = await _event(pool, "order.sent", "orders.events")
        await _until_published(pool, read, sent, within=10)
        rows = await pool.fetch("SELECT id, published_at FROM outbox WHERE id = ANY($1::uuid[]) ORDER BY seq",
                                [read, sent])
        assert [r["id"] for r in rows] == [read, sent] and rows[0]["published_at"] == rows[1]["published_at"]
    finally:
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await producer.stop()
        await pool.close()
