"""Event latency through the shared machinery, against a raw Kafka round trip.

Outbox path: commit a state change with its event -> relay woken by NOTIFY -> Kafka ->
consumer -> inbox row + effect in one transaction. Baseline, same run, same broker and
database: aiokafka send -> consume -> one INSERT. Sequential, one event at a time, so the
figure is latency, not throughput.

    python -m bench.events_bench [--events 300]
"""
import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.harness import percentiles
from shared.clock import Clock
from shared.consumer import EventConsumer
from shared.unit_of_work import Work
from shared.db import create_pool, migrate
from shared.events.catalog import CaseOpened
from shared.faults import Faults
from shared.kafka import create_producer, ensure_topics, kafka_options
from shared.outbox import Outbox, OutboxRelay
from tests.stack import create_env, drop_env


async def outbox_path(env, n: int) -> list[float]:
    settings = env.settings
    pool = await create_pool(env.database_url, "bench")
    await migrate(pool, "bench", Path(tempfile.mkdtemp()))
    await pool.execute("CREATE TABLE IF NOT EXISTS effects (id uuid PRIMARY KEY)")
    await ensure_topics(settings)
    producer = create_producer(settings)
    await producer.start()
    done: dict[uuid.UUID, asyncio.Event] = {}

    async def handler(uow, envelope, data):
        await uow.conn.execute("INSERT INTO effects (id) VALUES ($1)", data.case_id)
        conn_done = done.get(data.case_id)
        if conn_done:
            asyncio.get_running_loop().call_soon(conn_done.set)

    outbox = Outbox("bench", settings, Clock())
    relay = OutboxRelay("bench", pool, producer, settings, Faults())
    consumer = EventConsumer("bench", {"case.opened": handler}, Work(pool, outbox, Clock(), settings), producer,
                             settings)
    tasks = [asyncio.create_task(relay.run()), asyncio.create_task(consumer.run())]
    try:
        await _warm_up(outbox, pool, done)
        samples = []
        for _ in range(n):
            samples.append(await _one(outbox, pool, done))
        return samples
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await producer.stop()
        await pool.close()


async def _one(outbox, pool, done) -> float:
    case_id = uuid.uuid4()
    done[case_id] = asyncio.Event()
    start = time.perf_counter()
    async with pool.acquire() as conn, conn.transaction():
        await outbox.add(conn, CaseOpened(case_id=case_id, unit="bench", kind="SoL", opened_on=date.today()),
                         key=str(case_id))
    await asyncio.wait_for(done[case_id].wait(), 30)
    return (time.perf_counter() - start) * 1000


async def _warm_up(outbox, pool, done) -> None:
    for _ in range(20):  # group join and first metadata fetches are not what we measure
        await _one(outbox, pool, done)


async def raw_path(env, n: int) -> list[float]:
    topic = env.topic("raw.roundtrip")
    pool = await create_pool(env.database_url, "raw")
    await pool.execute("CREATE SCHEMA IF NOT EXISTS raw; CREATE TABLE IF NOT EXISTS raw.effects (id uuid PRIMARY KEY)")
    producer = AIOKafkaProducer(**kafka_options(env.settings), enable_idempotence=True, acks="all")
    consumer = AIOKafkaConsumer(topic, **kafka_options(env.settings), group_id=env.topic("raw"),
                                auto_offset_reset="latest")
    await producer.start()
    await producer.send_and_wait(topic, b"create")  # creates the topic before the consumer joins
    await consumer.start()
    await asyncio.sleep(1)
    try:
        samples = []
        for i in range(n + 20):
            value = uuid.uuid4()
            start = time.perf_counter()
            await producer.send(topic, value.bytes)
            while True:
                message = await consumer.getone()
                if message.value == value.bytes:
                    break
            await pool.execute("INSERT INTO raw.effects (id) VALUES ($1)", value)
            if i >= 20:
                samples.append((time.perf_counter() - start) * 1000)
        return samples
    finally:
        await consumer.stop()
        await producer.stop()
        await pool.close()


async def main(n: int) -> None:
    env = await create_env(Path(tempfile.mkdtemp()))
    try:
        raw = await raw_path(env, n)
        ours = await outbox_path(env, n)
    finally:
        await drop_env(env)
    raw_p50, raw_p99 = percentiles(raw)
    our_p50, our_p99 = percentiles(ours)
    print(f"events: {n} sequential events each way")
    print(f"  raw aiokafka send->consume->INSERT   p50 {raw_p50:7.2f} ms  p99 {raw_p99:7.2f} ms")
    print(f"  outbox commit->relay->consume->inbox  p50 {our_p50:7.2f} ms  p99 {our_p99:7.2f} ms")
    print(f"  ratio p50 {our_p50 / raw_p50:5.2f}x   ratio p99 {our_p99 / raw_p99:5.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=300)
    asyncio.run(main(parser.parse_args().events))
