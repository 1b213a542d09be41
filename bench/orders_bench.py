"""Orders: sends, opens and confirmations, and send → provider inbox, against bare baselines
measured in the same run.

Data: 100,000 orders in the orders database (40,000 drafts, 30,000 sent, 30,000 opened) over
1,000 cases and decisions and 10 providers. The real orders process answers with everything
it does in production: token and role check, unit or provider scope, the state machine, the
case and decision checks, history, the outbox (order.*, access.logged) and its relay to Kafka.

1. Throughput and latency, open loop (vegeta at a constant rate): the endpoints climb a
   ladder of rates together, 4 s a step, until two steps in a row are not sustained (a
   non-2xx answer, throughput under 95 % of the rate, or p99 over 250 ms; one miss may be a
   stall of the shared machine). Reported: the highest sustained rate and the p50/p99 at the
   highest rate every endpoint sustained, each as a ratio to the bare FastAPI endpoint doing
   one raw asyncpg INSERT (bench/baseline.py).
2. Send → inbox, open loop at a constant rate (asyncio, a minimal keep-alive HTTP client;
   latency counted from when each send was due): from then to the moment the provider's
   GET /provider/orders lists the order. Baseline, same rate, same
   run: a raw aiokafka produce → consume → one INSERT. Target: p99 within 2x of it. The
   inbox is a query on the orders database, so an order is in it as soon as the send
   commits; also shown, for what a provider system hears by webhook through notify: send →
   `order.sent` consumed from Kafka.

    python -m bench orders [--probe-rate 25] [--probe-seconds 20]
"""
import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from bench.harness import ROOT, Result, attack, percentiles, target, vegeta, wait_up
from shared.clock import Clock, local_date
from shared.pin import luhn_check_digit
from shared.kafka import kafka_options
from tests.stack import create_env, drop_env, free_port

ORDERS, CASES, PROVIDERS = 100_000, 1_000, 10
DRAFTS, SENT = 40_000, 30_000           # the rest are opened
LADDER = (25, 50, 100, 150, 200, 300, 400, 600, 800, 1000, 1300, 1600, 2000)
STEP_SECONDS = 4
P99_LIMIT_MS = 250


async def load(env, providers: list[str]) -> None:
    """Cases, decisions and orders straight into the orders tables (the read models would
    otherwise be filled from registry events; loading is not what is measured)."""
    today = local_date(Clock().now())
    conn = await env.db()
    try:
        await conn.execute("SET search_path TO orders")
        await conn.execute(
            "INSERT INTO cases (case_id, unit, kind, person_id, status, opened_on)"
            " SELECT gen_random_uuid(), 'vuxen', 'SoL', gen_random_uuid(), 'open', $1::date FROM generate_series(1, $2)",
            today - timedelta(days=60), CASES)
        await conn.execute(
            "INSERT INTO decisions (decision_id, case_id, unit, person_id, intervention, outcome, valid_from,"
            " valid_to, decided_on, decided_by) SELECT gen_random_uuid(), case_id, unit, person_id, 'home_help',"
            " 'granted', $1::date, $2::date, $1::date, 'anna' FROM cases",
            today - timedelta(days=30), today + timedelta(days=365))
        # Ids ordered like UUIDv7 (time first), as the service makes them.
        await conn.execute("""
            CREATE TEMP TABLE d AS SELECT row_number() OVER (ORDER BY decision_id) - 1 AS i, * FROM decisions;
            INSERT INTO orders (id, case_id, decision_id, provider_id, unit, person_id, intervention, details,
                                wanted_start, state, created_by, created_at, sent_by, sent_at, content_digest,
                                opened_at)
            SELECT (lpad(to_hex(1000000000 + n), 12, '0') || substr(replace(gen_random_uuid()::text, '-', ''), 13))::uuid,
                   d.case_id, d.decision_id, ($1::uuid[])[1 + n % $2], 'vuxen', d.person_id, 'home_help',
                   repeat('Hjälp med inköp, städning och promenad. ', 5), $3::date, s.state, 'anna',
                   now() - interval '2 days',
                   CASE WHEN s.state <> 'draft' THEN 'anna' END,
                   CASE WHEN s.state <> 'draft' THEN now() - interval '1 day' + (n || ' ms')::interval END,
                   CASE WHEN s.state <> 'draft' THEN 'sha256:' || md5(n::text) END,
                   CASE WHEN s.state = 'opened' THEN now() - interval '1 hour' END
              FROM generate_series(0, $4 - 1) n
              JOIN d ON d.i = n % $5
              CROSS JOIN LATERAL (SELECT CASE WHEN n < $6 THEN 'draft' WHEN n < $6 + $7 THEN 'sent'
                                              ELSE 'opened' END AS state) s;
            ANALYZE;
        """.replace("$1", "'{" + ",".join(providers) + "}'").replace("$2", str(len(providers)))
           .replace("$3", f"'{today.isoformat()}'").replace("$4", str(ORDERS)).replace("$5", str(CASES))
           .replace("$6", str(DRAFTS)).replace("$7", str(SENT)))
        await conn.execute("VACUUM ANALYZE orders")
        await conn.execute("CHECKPOINT")  # the load's writes are flushed now, not during the runs
    finally:
        await conn.close()


async def pools(env) -> dict[str, list[tuple[str, str]]]:
    """Order ids and providers by state, in random order, to hand out once each."""
    conn = await env.db()
    try:
        rows = await conn.fetch("SELECT id::text, provider_id::text, state FROM orders.orders ORDER BY random()")
    finally:
        await conn.close()
    by_state: dict[str, list[tuple[str, str]]] = {"draft": [], "sent": [], "opened": []}
    for r in rows:
        by_state[r["state"]].append((r["id"], r["provider_id"]))
    return by_state


async def ladders(env, endpoints: dict) -> dict[str, list[Result]]:
    """Climb the rates, each rate for every endpoint back to back (so that a busy moment of
    this shared machine falls on all of them alike), until an endpoint misses two steps in a
    row. `endpoints[name](n)` gives n fresh targets."""
    for name, make_targets in endpoints.items():
        attack(f"{name} (warm-up)", make_targets(75), rate=25, seconds=3)
    await drained(env)
    results: dict[str, list[Result]] = {name: [] for name in endpoints}
    misses = dict.fromkeys(endpoints, 0)
    for rate in LADDER:
        for name, make_targets in endpoints.items():
            if misses[name] == 2:   # one miss can be a stall of the machine, two is saturation
                continue
            result = attack(name, make_targets(rate * STEP_SECONDS), rate=rate, seconds=STEP_SECONDS)
            print("  " + result.line() + ("" if sustained(result) else "  (not sustained)"), flush=True)
            results[name].append(result)
            misses[name] = 0 if sustained(result) else misses[name] + 1
            await drained(env)
        if all(m == 2 for m in misses.values()):
            break
    return results


async def drained(env, timeout: float = 60) -> None:
    """Wait until the outbox relay has published everything, so each step starts clean."""
    conn = await env.db()
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not await conn.fetchval("SELECT EXISTS (SELECT FROM orders.outbox WHERE published_at IS NULL)"):
                break
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
    await asyncio.sleep(0.5)


def sustained(r: Result) -> bool:
    return r.success >= 0.999 and r.throughput >= 0.95 * r.rate and r.p99_ms <= P99_LIMIT_MS


def best(results: list[Result]) -> Result | None:
    """The highest rate sustained with every rate below it sustained or missed only once."""
    top, misses = None, 0
    for r in results:
        misses = 0 if sustained(r) else misses + 1
        if misses == 2:
            break
        if sustained(r):
            top = r
    return top


def at_rate(results: list[Result], rate: int) -> Result | None:
    return next((r for r in results if r.rate == rate), None)


class Http:
    """A minimal keep-alive HTTP/1.1 client for the probe: httpx costs a millisecond or more of
    client CPU per request on this machine, which would be counted as the service's latency."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        while self.idle:
            reader, writer, since = self.idle.pop()
            if time.monotonic() - since < 2:   # uvicorn closes connections idle for 5 s
                return reader, writer
            writer.close()
        return await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        reader, writer = await self._connection()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Content-Length: 0",
                 *(f"{k}: {v}" for k, v in headers.items()), "", ""]
        writer.write("\r\n".join(lines).encode())
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        body = await reader.readexactly(length)
        self.idle.append((reader, writer, time.monotonic()))
        return status, body

    def close(self) -> None:
        for _, writer, _ in self.idle:
            writer.close()


async def send_to_inbox(env, url: str, drafts: list[tuple[str, str]], rate: float, seconds: float
                        ) -> tuple[list[float], list[float], list[float]]:
    """Open loop: a send is due every 1/rate s; latency counts from when it was due, to when
    the provider's GET /provider/orders lists the order."""
    n = int(rate * seconds)
    caseworker = {"Authorization": f"Bearer {env.token('caseworker', 'anna', unit='vuxen')}"}
    tokens = {p: {"Authorization": f"Bearer {env.token('provider_user', 'p', provider_id=p)}"}
              for p in {p for _, p in drafts[:n]}}
    inbox_ms: list[float] = []
    send_ms: list[float] = []
    due_at: dict[str, float] = {}
    event_ms: dict[str, float] = {}
    consumer = await _tail(env, env.topic("orders.events"))

    async def listen():
        async for message in consumer:
            if dict(message.headers).get("ce_type") == b"order.sent":
                order_id = json.loads(message.value)["order_id"]
                if order_id in due_at:
                    event_ms[order_id] = (time.perf_counter() - due_at[order_id]) * 1000

    host, port = url.removeprefix("http://").split(":")
    client = Http(host, int(port))

    async def probe(order_id: str, provider_id: str, due: float):
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        due_at[order_id] = due
        status, body = await client.request("POST", f"/orders/{order_id}/send", caseworker)
        assert status == 200, body
        send_ms.append((time.perf_counter() - due) * 1000)
        while time.perf_counter() - due < 30:
            status, body = await client.request("GET", "/provider/orders?limit=20", tokens[provider_id])
            if order_id.encode() in body:
                inbox_ms.append((time.perf_counter() - due) * 1000)
                return
            await asyncio.sleep(0.002)
        raise RuntimeError(f"order {order_id} never reached its provider's inbox")

    listener = asyncio.create_task(listen())
    try:
        start = time.perf_counter() + 0.5
        await asyncio.gather(*(probe(oid, pid, start + i / rate) for i, (oid, pid) in enumerate(drafts[:n])))
        deadline = time.monotonic() + 10
        while len(event_ms) < n and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
    finally:
        client.close()
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await consumer.stop()
    return inbox_ms, send_ms, list(event_ms.values())


async def kafka_round_trip(env, rate: float, seconds: float) -> list[float]:
    """Open loop at the same rate: aiokafka send → a consumer receives it → one INSERT."""
    topic = env.topic("bench.roundtrip")
    conn = await env.db()
    await conn.execute("CREATE TABLE IF NOT EXISTS public.roundtrip (id uuid PRIMARY KEY)")
    producer = AIOKafkaProducer(**kafka_options(env.settings), enable_idempotence=True, acks="all",
                                linger_ms=0)
    await producer.start()
    await producer.send_and_wait(topic, b"create")
    consumer = await _tail(env, topic)
    n, warm = int(rate * seconds), 20
    due_at: dict[bytes, float] = {}
    samples: list[float] = []

    async def receive():
        async for message in consumer:
            if message.value in due_at:
                await conn.execute("INSERT INTO public.roundtrip (id) VALUES ($1)", uuid.UUID(bytes=message.value))
                samples.append((time.perf_counter() - due_at[message.value]) * 1000)
                if len(samples) == n + warm:
                    return

    receiver = asyncio.create_task(receive())
    try:
        start = time.perf_counter()
        for i in range(n + warm):
            due = start + i / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            value = uuid.uuid4().bytes
            due_at[value] = due
            await producer.send(topic, value)
        await asyncio.wait_for(asyncio.shield(receiver), 60)
    finally:
        receiver.cancel()
        await asyncio.gather(receiver, return_exceptions=True)
        await consumer.stop()
        await producer.stop()
        await conn.close()
    return samples[warm:]


async def _tail(env, topic: str) -> AIOKafkaConsumer:
    """A consumer of every partition of `topic` from its current end, without a group join
    (a rebalance in the middle of a measurement would count as latency)."""
    consumer = AIOKafkaConsumer(**kafka_options(env.settings), enable_auto_commit=False)
    await consumer.start()
    partitions = None
    for _ in range(100):
        partitions = consumer.partitions_for_topic(topic)
        if partitions:
            break
        await consumer._client.force_metadata_update()
        await asyncio.sleep(0.1)
    tps = [TopicPartition(topic, p) for p in partitions or ()]
    consumer.assign(tps)
    await consumer.seek_to_end(*tps)
    for tp in tps:
        await consumer.position(tp)
    return consumer


def start_baseline(env, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.baseline", "--port", str(port), "--database-url", env.database_url,
         "--insert", "INSERT INTO public.bare_orders (id, body) VALUES ($1, $2)"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)



def organisation_number(i: int) -> str:
    """A valid organisation number of an aktiebolag, 556000-00iC."""
    body = f"55600000{i}"
    return f"{body[:6]}-{body[6:]}{luhn_check_digit(body)}"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:6.2f}x" if a and b else "   n/a "


async def main(probe_rate: float, probe_seconds: float) -> None:
    vegeta()  # install before anything is timed
    began = time.monotonic()
    env = await create_env(Path(tempfile.mkdtemp()))
    baseline = None
    try:
        orders = env.start("orders")
        await orders.wait_ready()
        specialist = {"Authorization": f"Bearer {env.token('object_specialist', 'olle')}"}
        providers = []
        async with httpx.AsyncClient(base_url=orders.url, headers=specialist) as client:
            for i in range(PROVIDERS):
                r = await client.post("/providers", json={"name": f"Utförare {i}",
                                                          "organisation_number": organisation_number(i),
                                                          "email": f"order{i}@example.se",
                                                          "interventions": ["home_help"]})
                assert r.status_code == 201, r.text
                providers.append(r.json()["id"])
        started = time.monotonic()
        await load(env, providers)
        conn = await env.db()
        await conn.execute("CREATE TABLE public.bare_orders (id uuid PRIMARY KEY, body text NOT NULL);"
                           "INSERT INTO public.bare_orders SELECT gen_random_uuid(), repeat('x', 200)"
                           f" FROM generate_series(1, {ORDERS}); ANALYZE public.bare_orders")
        await conn.close()
        by_state = await pools(env)
        print(f"loaded {ORDERS} orders ({DRAFTS} drafts, {SENT} sent, {ORDERS - DRAFTS - SENT} opened)"
              f" over {CASES} decisions and {PROVIDERS} providers in {time.monotonic() - started:.1f} s", flush=True)
        port = free_port()
        baseline = start_baseline(env, port)
        await wait_up(f"http://127.0.0.1:{port}/constant")
        bare = f"http://127.0.0.1:{port}"

        caseworker = {"Authorization": f"Bearer {env.token('caseworker', 'anna', unit='vuxen')}"}
        provider_tokens = {p: {"Authorization": f"Bearer {env.token('provider_user', 'p', provider_id=p)}"}
                           for p in providers}
        probe_drafts = by_state["draft"][:int(probe_rate * probe_seconds)]
        drafts = iter(by_state["draft"][len(probe_drafts):])
        sent, opened = iter(by_state["sent"]), iter(by_state["opened"])

        def take(source, n, make):
            return [make(*next(source)) for _ in range(n)]

        print(f"send → inbox, open loop at {probe_rate:g}/s for {probe_seconds:g} s:", flush=True)
        await drained(env)
        raw = await kafka_round_trip(env, probe_rate, probe_seconds)
        inbox, send_part, events = await send_to_inbox(env, orders.url, probe_drafts, probe_rate, probe_seconds)
        raw_p50, raw_p99 = percentiles(raw)
        inbox_p50, inbox_p99 = percentiles(inbox)
        print(f"  raw aiokafka produce→consume→INSERT  n {len(raw):4}  p50 {raw_p50:7.2f} ms  p99 {raw_p99:7.2f} ms")
        print(f"  send → in provider's inbox            n {len(inbox):4}  p50 {inbox_p50:7.2f} ms"
              f"  p99 {inbox_p99:7.2f} ms")
        part_p50, part_p99 = percentiles(send_part)
        print(f"    of which the send's answer          n {len(send_part):4}  p50 {part_p50:7.2f} ms"
              f"  p99 {part_p99:7.2f} ms")
        if len(events) >= 10:
            ev_p50, ev_p99 = percentiles(events)
            print(f"  send → order.sent consumed (info)     n {len(events):4}  p50 {ev_p50:7.2f} ms"
                  f"  p99 {ev_p99:7.2f} ms")

        body = json.dumps({"text": "x" * 200})
        print(f"open loop ladder {LADDER} /s, {STEP_SECONDS} s a step; sustained = all 2xx, throughput >= 95 %"
              f" of the rate, p99 <= {P99_LIMIT_MS} ms", flush=True)
        print("bare insert = bare FastAPI + one asyncpg INSERT; send = POST /orders/{id}/send; open = GET"
              " /provider/orders/{id} (opens it); confirm = POST /provider/orders/{id}/confirm", flush=True)
        runs = await ladders(env, {
            "bare insert": lambda n: [target("POST", f"{bare}/insert", body=body) for _ in range(n)],
            "send": lambda n: take(drafts, n, lambda o, p: target(
                "POST", f"{orders.url}/orders/{o}/send", headers=caseworker)),
            "open": lambda n: take(sent, n, lambda o, p: target(
                "GET", f"{orders.url}/provider/orders/{o}", headers=provider_tokens[p])),
            "confirm": lambda n: take(opened, n, lambda o, p: target(
                "POST", f"{orders.url}/provider/orders/{o}/confirm", headers=provider_tokens[p])),
        })
        base, sends, opens, confirms = runs["bare insert"], runs["send"], runs["open"], runs["confirm"]

        print("\nratios to the baselines (same run):")
        b = best(base)
        for label, results in (("send", sends), ("open", opens), ("confirm", confirms)):
            mine = best(results)
            print(f"  {label:<8} highest sustained rate {mine.rate if mine else 0:>5}/s vs bare"
                  f" {b.rate if b else 0:>5}/s  → {_ratio(mine and mine.rate, b and b.rate)}")
        common = max((r for r in LADDER if all(any(x.rate == r and sustained(x) for x in res)
                                                for res in (base, sends, opens, confirms))), default=None)
        if common:
            bare_at = at_rate(base, common)
            for label, results in (("send", sends), ("open", opens), ("confirm", confirms)):
                mine = at_rate(results, common)
                print(f"  {label:<8} at {common}/s: p50 {mine.p50_ms:6.2f} ms ({_ratio(mine.p50_ms, bare_at.p50_ms)})"
                      f"  p99 {mine.p99_ms:6.2f} ms ({_ratio(mine.p99_ms, bare_at.p99_ms)} of bare p99"
                      f" {bare_at.p99_ms:.2f} ms)")
        met = inbox_p99 <= 2 * raw_p99
        print(f"  send→inbox p99 / raw Kafka round trip p99      {inbox_p99 / raw_p99:6.2f}x   target <= 2x "
              f"{'MET' if met else 'NOT MET'}")
        print(f"(whole run {time.monotonic() - began:.0f} s)")
    finally:
        if baseline:
            baseline.terminate()
            baseline.wait(10)
        await drop_env(env)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--probe-rate", type=float, default=25)
    parser.add_argument("--probe-seconds", type=float, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.probe_rate, args.probe_seconds))
