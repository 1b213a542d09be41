"""An unhurried consumer (ADR 0030) handles every event on its topics, each once, within
UNHURRIED_WAIT_SECONDS and a little, but asks the broker for events about once in that time
instead of at every event; a prompt consumer, given the same events, asks at nearly each one."""
import asyncio
import time
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.consumer.fetcher import Fetcher

from shared.clock import Clock
from shared.consumer import UNHURRIED_WAIT_SECONDS, EventConsumer, consumer_group
from shared.db import create_pool, migrate
from shared.faults import Faults
from shared.kafka import ensure_topics, kafka_options
from shared.outbox import Outbox
from shared.unit_of_work import Work
from tests.integration.shared.test_dead_letter import _valid

EVENTS, APART = 30, 0.1   # three seconds of events, one every 100 ms


@pytest.mark.parametrize("unhurried", [True, False], ids=["unhurried", "prompt"])
async def test_an_unhurried_consumer_fetches_seldom_and_misses_nothing(env, monkeypatch, unhurried):
    name = f"lane{uuid.uuid4().hex[:8]}"
    settings = env.settings
    await ensure_topics(settings, groups=[settings.topic(consumer_group(name, unhurried))])
    pool = await create_pool(settings.database_url, name, min_size=1, max_size=4)
    await migrate(pool, name, Path("/nonexistent"))
    await pool.execute("CREATE TABLE handled (event_id uuid NOT NULL, at double precision NOT NULL)")
    work = Work(pool, Outbox(name, settings, Clock()), Clock(), settings)

    async def handled(uow, envelope, data):
        await uow.conn.execute("INSERT INTO handled VALUES ($1, $2)", envelope.id, time.time())

    fetches = 0
    fetch = Fetcher._proc_fetch_request

    async def counted(self, *args, **kwargs):
        nonlocal fetches
        fetches += 1
        return await fetch(self, *args, **kwargs)

    monkeypatch.setattr(Fetcher, "_proc_fetch_request", counted)
    producer = AIOKafkaProducer(**kafka_options(settings))
    await producer.start()
    consumer = EventConsumer(name, {"case.opened": handled}, work, producer, settings, Faults(), unhurried=unhurried)
    running = asyncio.create_task(consumer.run())
    try:
        await asyncio.sleep(3)  # in its group, at the end of the topic
        sent: dict[uuid.UUID, float] = {}
        fetches_before = fetches
        for _ in range(EVENTS):
            headers, body = _valid(uuid.uuid4())
            sent[uuid.UUID(dict(headers)["ce_id"].decode())] = time.time()
            await producer.send_and_wait(settings.topic("registry.events"), value=body, key=b"k", headers=headers)
            await asyncio.sleep(APART)
        for _ in range(100):
            if await pool.fetchval("SELECT count(*) FROM handled") >= EVENTS:
                break
            await asyncio.sleep(0.1)
        fetched = fetches - fetches_before
        rows = await pool.fetch("SELECT event_id, at FROM handled")
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await producer.stop()
        await pool.close()
    assert sorted(r["event_id"] for r in rows) == sorted(sent), "not every event handled once"
    waited = max(r["at"] - sent[r["event_id"]] for r in rows)
    if unhurried:
        # Three seconds of events: two or three answered fetches, one more in flight, one spare.
        assert fetched <= EVENTS * APART / UNHURRIED_WAIT_SECONDS + 3, fetched
        assert waited <= UNHURRIED_WAIT_SECONDS + 1.5, waited
    else:
        assert fetched >= EVENTS / 2, fetched   # what the unhurried consumer saves
        assert waited <= 1.0, waited
