"""Notification throughput: mails per second that notify delivers to a local SMTP server,
against sending the same mails with aiosmtplib alone, in the same run.

Notify path: order.sent events published to Kafka -> notify's consumer (inbox, contact,
a pending delivery, one transaction each) -> the sender (claim a batch, send over reused
SMTP connections, mark delivered with notification.delivered in the outbox). Baseline:
a separate process sends the same number of mails with aiosmtplib over as many reused
connections as notify's sender uses. A third figure isolates the sender: the same number of
deliveries queued in one transaction, sent and recorded by notify. In both runs the SMTP server (aiosmtpd) lives in this
process and the sending client in another, so neither gets the server's core to itself.
The clock runs from the first event (or mail) to the last mail received. Each run also shows the
CPU the whole machine used per mail (/proc/stat, every process: notify, PostgreSQL, Kafka, the
sending client and the SMTP server). With C cores and M ms of CPU per mail no run can send more
than 1000 C / M mails a second, so that bound, against aiosmtplib alone, is the most notify's
ratio could reach on this machine, however its time were spent.

    python -m bench.notify_bench [--mails 1000] [--profile FILE]

With --profile, py-spy samples the notify process while the mails go through it (bench/profile.py)
and the samples are printed by part.
"""
import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

from aiokafka import AIOKafkaProducer
from aiosmtpd.controller import Controller

from bench.harness import machine_busy_seconds, ratio_line
from bench.profile import breakdown, sampled
from services.notify.channels.smtp import compose
from shared.events import Envelope, to_kafka
from shared.kafka import kafka_options
from tests.stack import create_env, drop_env, free_port

CONNECTIONS = 4  # services.notify.channels.smtp.Mailer's default
TARGET = 0.8


class Counter:
    """An SMTP server that only counts what it receives."""

    def __init__(self):
        self.count = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.count += 1
        return "250 OK"

    async def wait_for(self, total: int, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while self.count < total:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.count} of {total} mails after {timeout} s")
            await asyncio.sleep(0.005)
        return time.perf_counter()


def _message(i: int) -> tuple[str, bytes]:
    # Built as notify's Mailer builds its mails, so the ratio is about what notify adds.
    to = f"bokning-{i}@utforare.example"
    return to, compose(sender="Omsorg <noreply@omsorg.local>", to=to, subject=f"Ny beställning ({uuid.uuid4()})",
                       text="Hej!\n\nNi har fått en ny beställning från socialtjänsten.\n"
                            "Logga in i Omsorg för att läsa den:\nhttps://omsorg.test/orders/x\n",
                       message_id=str(uuid.uuid4()), at=datetime.now(timezone.utc))


async def _baseline_client(port: int, n: int, connections: int) -> None:
    import aiosmtplib

    clients = [aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False) for _ in range(connections)]
    await asyncio.gather(*(c.connect() for c in clients))
    print("ready", flush=True)  # imports and connections are not what we measure
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)

    async def one_connection(client, indices):
        for i in indices:
            to, message = _message(i)  # notify builds each mail too
            await client.sendmail("noreply@omsorg.local", [to], message)
        await client.quit()

    await asyncio.gather(*(one_connection(c, range(k, n, connections)) for k, c in enumerate(clients)))


async def baseline(counter: Counter, port: int, n: int) -> tuple[float, float]:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bench.notify_bench", "--client",
                                                str(port), str(n), str(CONNECTIONS),
                                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert (await proc.stdout.readline()).strip() == b"ready"
    before = counter.count
    start, busy = time.perf_counter(), machine_busy_seconds()
    proc.stdin.write(b"go\n")
    await proc.stdin.drain()
    end = await counter.wait_for(before + n, 600)
    cpu_ms = (machine_busy_seconds() - busy) * 1000 / n
    await proc.wait()
    return n / (end - start), cpu_ms


def _order_sent(i: int) -> Envelope:
    order = uuid.uuid4()
    data = {"order_id": str(order), "case_id": str(uuid.uuid4()), "decision_id": str(uuid.uuid4()),
            "provider_id": str(uuid.uuid4()), "provider_email": f"bokning-{i}@utforare.example",
            "caseworker": "anna", "unit": "vuxen", "intervention": "hemtjänst",
            "wanted_start": date.today().isoformat(), "sent_at": datetime.now(timezone.utc).isoformat()}
    return Envelope(id=uuid.uuid4(), source="omsorg/orders", type="order.sent",
                    time=datetime.now(timezone.utc), data=data)


async def through_notify(env, counter: Counter, n: int) -> tuple[float, float]:
    events = [_order_sent(i) for i in range(n)]
    producer = AIOKafkaProducer(**kafka_options(env.settings), linger_ms=5)
    await producer.start()
    try:
        before = counter.count
        start, busy = time.perf_counter(), machine_busy_seconds()
        for e in events:
            headers, body = to_kafka(e)
            await producer.send(env.topic("orders.events"), value=body, key=e.data["order_id"].encode(),
                                headers=headers)
        await producer.flush()
        end = await counter.wait_for(before + n, 600)
        return n / (end - start), (machine_busy_seconds() - busy) * 1000 / n
    finally:
        await producer.stop()


async def sender_alone(env, counter: Counter, n: int) -> tuple[float, float]:
    """The sender's part only: n deliveries queued in one transaction, as n handlers would queue them."""
    from services.notify.domain.plan import ProviderContact, to_provider
    from services.notify.store.deliveries import queue
    from shared.db import create_pool

    deliveries = [d for i in range(n) for d in to_provider(
        uuid.uuid4(), "order.sent", "order_sent",
        ProviderContact(uuid.uuid4(), uuid.uuid4(), f"bokning-{i}@utforare.example", None), "https://omsorg.test")]
    pool = await create_pool(env.database_url, "notify", max_size=1)
    try:
        before = counter.count
        start, busy = time.perf_counter(), machine_busy_seconds()
        async with pool.acquire() as conn, conn.transaction():
            await queue(conn, deliveries, at=datetime.now(timezone.utc))
        end = await counter.wait_for(before + n, 600)
        return n / (end - start), (machine_busy_seconds() - busy) * 1000 / n
    finally:
        await pool.close()


async def main(n: int, profile: str | None = None) -> None:
    counter = Counter()
    port = free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    env = await create_env(Path(tempfile.mkdtemp()))
    try:
        proc = env.start("notify", OMSORG_SMTP_PORT=str(port))
        await proc.wait_ready()
        await through_notify(env, counter, 50)     # group join, first connections
        await baseline(counter, port, 50)
        base, base_cpu = await baseline(counter, port, n)
        conn = await env.db()
        try:
            began = await conn.fetchval("SELECT clock_timestamp()")
            with sampled(proc.popen.pid, profile) if profile else contextlib.nullcontext():
                ours, ours_cpu = await through_notify(env, counter, n)
            # That run's deliveries alone: from the first queued to the last queued and to the last sent.
            spans = await conn.fetchrow(
                "SELECT extract(epoch FROM max(created_at) - min(created_at)) AS queued,"
                " extract(epoch FROM max(delivered_at) - min(created_at)) AS delivered FROM notify.deliveries"
                " WHERE created_at >= $1", began)
        finally:
            await conn.close()
        sender, sender_cpu = await sender_alone(env, counter, n)
        base_again, base_again_cpu = await baseline(counter, port, n)  # the machine is shared: bracket our run
    finally:
        await drop_env(env)
        controller.stop()
    base_mean = (base + base_again) / 2
    print(f"notify: {n} mails each way to a local aiosmtpd, {CONNECTIONS} SMTP connections")
    print(f"  aiosmtplib alone (before, after)     {base:8.1f} /s  {base_again:8.1f} /s")
    print(f"  through notify (Kafka, DB, sender)   {ours:8.1f} /s")
    print(f"  notify's sender alone (queued rows)  {sender:8.1f} /s")
    print(f"  (through notify: its consumer queued them in {spans['queued']:.2f} s, all were sent"
          f" {spans['delivered']:.2f} s after the first was queued)")
    cores = os.cpu_count() or 1
    print(f"  the machine's CPU per mail ({cores} cores, all processes): aiosmtplib alone"
          f" {base_cpu:.2f} and {base_again_cpu:.2f} ms, through notify {ours_cpu:.2f} ms,"
          f" the sender alone {sender_cpu:.2f} ms")
    print(f"  (the most CPU allows, 1000 x cores / ms per mail, against aiosmtplib alone: through notify"
          f" {1000 * cores / ours_cpu / base_mean:.2f}x, the sender alone"
          f" {1000 * cores / sender_cpu / base_mean:.2f}x)")
    print(ratio_line("notify mails/s vs aiosmtplib alone", ours, base_mean, f">={TARGET}x",
                     ours / base_mean >= TARGET))
    print(ratio_line("notify's sender alone vs aiosmtplib alone", sender, base_mean, f">={TARGET}x",
                     sender / base_mean >= TARGET))
    if profile:
        print(f"the notify process's CPU samples while the mails went through it (py-spy, {profile}):")
        print(breakdown(profile))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        asyncio.run(_baseline_client(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--profile", metavar="FILE", help="sample the notify process with py-spy meanwhile")
    args = parser.parse_args()
    asyncio.run(main(args.mails, args.profile))
