"""Summary of the whole system in one table (`make bench`): the main writes and reads of the
five services, end-to-end latencies, and each service's memory, each against a baseline
measured in the same run.

1. The five services start as processes (as `make up` runs them) on a fresh database and
   topic prefix; a bare FastAPI process (bench/baseline.py) next to them. Resident memory
   (VmRSS of /proc/PID/status) is read when they are idle, sampled twice a second under load,
   and read again when idle after it. Target: under 150 MB idle per service.
2. Modest data through the APIs: persons, cases with a decision each, providers.
3. Open loop (vegeta, constant rate, up to 256 connections): each endpoint in turn for the
   same time at the same rate, with the bare baselines interleaved (a FastAPI endpoint doing
   one asyncpg INSERT for the writes, one indexed SELECT for the reads); ratios are to the
   median of the baseline's runs. Each endpoint's requests run once before they are measured,
   not counted (as the baselines have a warm-up of their own): a broker started minutes before
   is still compiling the paths a new kind of request takes (its JIT compiler took 3-5 ms of CPU
   an event on the rows that publish, on the cores the services share), and a production broker
   is warm. Between runs the outboxes are drained, the consumers caught
   up and notify's queued deliveries sent. The watch list answers a page of up to 50 watches
   where the bare select answers one row; a bare endpoint selecting the same page (its rows as
   FastAPI answers a list of dicts) is measured last, as a reference for that row; so is a bare
   endpoint running the journal's own statement for a case's page of notes (the page's JSON built
   in PostgreSQL), for the notes row. Each row also
   shows the CPU the whole machine used per request while it ran (/proc/stat), which counts
   what a request sets off in the other services, PostgreSQL and Kafka.
4. End to end, open loop at a lower rate: send → the order is in the provider's inbox
   (GET /provider/orders) and send → `order.sent` consumed from Kafka, against a raw aiokafka
   produce → consume → INSERT at the same rate; then, for some of those orders, reminder due
   (the watch's clock moved to the timer's due time, POST /admin/clock) → the reminder to the
   provider queued in notify's delivery log, one due time at a time (looked for each time a
   delivery commits: notify's `NOTIFY notify_deliveries`, which its sender wakes on). Notify's
   e-mail goes to an SMTP server (aiosmtpd) in the benchmark's process.

    python -m bench summary [--rate 50] [--seconds 8] [--e2e-rate 10] [--e2e-seconds 10] [--reminders 60]
"""
import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx

from bench.harness import Result, attack, broker_jit_ms, machine_busy_seconds, percentiles, target, vegeta, wait_up
from bench.orders_bench import kafka_round_trip, send_to_inbox
from services.journal.store.notes import CASE_NOTES_QUERY
from shared.pagination import DEFAULT_LIMIT
from tests.integration.notify.helpers import MailCatcher
from tests.ops.flow import Flow
from tests.pins import make_pin
from tests.stack import SERVICES, create_env, drop_env, free_port

PERSONS, CASES, PROVIDERS = 200, 40, 5
RSS_TARGET_MB = 150
WATCH_PAGE = ("SELECT * FROM watches WHERE assignee = $1 AND status = 'open'"
              " ORDER BY due_on, raised_at, id LIMIT 51")
# The journal's own statement for a case's first page of notes (its JSON built in PostgreSQL), as
# `GET /cases/{id}/notes` runs it.
NOTES_PAGE = ("SELECT notes FROM (" + CASE_NOTES_QUERY.replace("$2::uuid", "NULL::uuid").replace("$2", "NULL::uuid")
              .replace("$3", str(DEFAULT_LIMIT)) + ") AS page")


# --- memory ---------------------------------------------------------------------------------

def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class PeakRss:
    """Samples the processes' RSS twice a second in a thread (vegeta runs block the loop)."""

    def __init__(self, pids: dict[str, int]):
        self.pids = pids
        self.peak = dict.fromkeys(pids, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], rss_mb(pid))
            self._stop.wait(0.5)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


# --- data -----------------------------------------------------------------------------------

@dataclass
class Data:
    persons: list[tuple[str, str]]            # (id, pin)
    cases: list[tuple[str, str]]              # (case id, decision id)
    providers: list[str]


def unique_pins(n: int, seed: int) -> list[str]:
    rng, pins = random.Random(seed), set()
    while len(pins) < n:
        pins.add(make_pin(rng=rng))
    return sorted(pins)


async def load(flow: Flow) -> Data:
    headers = flow.caseworker()
    persons = []
    async with httpx.AsyncClient(base_url=flow.urls["registry"], headers=headers, timeout=30) as registry:
        for pin in unique_pins(PERSONS, seed=1):
            response = await registry.post("/persons", json={"pin": pin, "first_name": "Karin", "last_name": "Berg"})
            assert response.status_code == 201, response.text
            persons.append((response.json()["id"], pin))
    cases = []
    for person_id, _ in persons[:CASES]:
        case = await flow.case(person_id)
        cases.append((case["id"], (await flow.decision(case["id"]))["id"]))
    providers = [(await flow.provider(f"Omsorg {i} AB"))["id"] for i in range(PROVIDERS)]
    for case_id, decision_id in cases:
        await flow.orderable(case_id, decision_id)
    await journal_knows(flow, cases[-1][0])
    return Data(persons, cases, providers)


async def journal_knows(flow: Flow, case_id: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=flow.urls["journal"], headers=flow.caseworker()) as journal:
        while time.monotonic() < deadline:
            if (await journal.get(f"/cases/{case_id}/notes")).status_code == 200:
                return
            await asyncio.sleep(0.2)
    raise RuntimeError("the journal never heard of the cases")


async def drained(env, timeout: float = 120) -> None:
    """Until every outbox is published, every consumer group reports no lag in its /metrics and
    notify has made the first attempt at every delivery queued (the e-mails of the orders sent,
    the reminders fired), so that each run starts clean."""
    deadline = time.monotonic() + timeout
    conn = await env.db()
    try:
        query = " UNION ALL ".join(f"SELECT 1 FROM {s}.outbox WHERE published_at IS NULL" for s in SERVICES)
        while time.monotonic() < deadline and await conn.fetchval(f"SELECT EXISTS ({query})"):
            await asyncio.sleep(0.2)
        async with httpx.AsyncClient(timeout=10) as client:
            while time.monotonic() < deadline:
                texts = [(await client.get(f"{proc.url}/metrics")).text for proc in env.processes]
                if all(float(lag) == 0 for text in texts
                       for lag in re.findall(r"^omsorg_consumer_lag\{[^}]*\} (\S+)$", text, re.MULTILINE)):
                    break
                await asyncio.sleep(0.2)
        while time.monotonic() < deadline and await conn.fetchval(
                "SELECT EXISTS (SELECT 1 FROM notify.deliveries WHERE status = 'pending' AND attempts = 0)"):
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
    await asyncio.sleep(0.5)


async def raw_inserts(env, n: int) -> list[float]:
    """One asyncpg connection, one INSERT at a time: what a write costs without HTTP."""
    conn = await env.db()
    samples = []
    try:
        for i in range(n):
            started = time.perf_counter()
            await conn.execute("INSERT INTO public.bare (id, body) VALUES ($1, $2)", uuid.uuid4(), "x" * 200)
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        await conn.close()
    return samples


# --- reminders ------------------------------------------------------------------------------

class Notified:
    """An asyncpg listener: `wait_next` returns when a NOTIFY arrived since the last call (at
    once if one did), or after `timeout` s."""

    def __init__(self):
        self.event = asyncio.Event()

    def __call__(self, *_):
        self.event.set()

    async def wait_next(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self.event.wait(), timeout)
        except asyncio.TimeoutError:
            pass
        self.event.clear()


async def reminders_queued(env, watch_url: str, order_ids: list[str]) -> list[float]:
    """For each order in turn: move the watch's clock to its reminder's due time; the latency
    runs from that request to the reminder to the provider in notify's delivery log. Orders whose
    reminder is due at the same moment as an earlier one's fire with it, and those whose due time the
    clock (which runs on from where it is moved) has already passed when their turn comes fired on
    their own: neither is measured."""
    conn = await env.db()
    clock = {"Authorization": f"Bearer {env.token('service', 'bench-clock')}"}
    committed = Notified()
    # Notify's deliveries announce their commit on this channel (its sender listens there too):
    # the reminder is looked for when one commits, not on a poll's turn, as the raw round trip's
    # receiver sees its own INSERT end.
    await conn.add_listener("notify_deliveries", committed)
    try:
        due = {}
        deadline = time.monotonic() + 60
        while len(due) < len(order_ids) and time.monotonic() < deadline:
            rows = await conn.fetch("SELECT subject_id::text AS id, due_at FROM watch.timers"
                                    " WHERE rule = 'order_reminder' AND subject_id = ANY($1::uuid[])", order_ids)
            due = {r["id"]: r["due_at"] for r in rows}
            await asyncio.sleep(0.2)
        ordered = []
        for order_id, due_at in sorted(due.items(), key=lambda item: item[1]):
            if not ordered or due_at > ordered[-1][1]:
                ordered.append((order_id, due_at))
        samples = []
        async with httpx.AsyncClient(base_url=watch_url, headers=clock, timeout=120) as client:
            # Everything due well before the first of these (the reminders of the orders sent
            # earlier in the run) fired and sent first; the clock runs on meanwhile, so it stops
            # short of the first by more than that takes (a time it has passed already stays: 409).
            first = ordered[0][1]
            await client.post("/admin/clock", json={"now": (first - EARLIER_SENDS_BEFORE).isoformat()})
            await drained(env)
            await client.post("/admin/clock", json={"now": (first - timedelta(milliseconds=100)).isoformat()})
            for order_id, due_at in ordered:
                started = time.perf_counter()
                moved = await client.post("/admin/clock", json={"now": due_at.isoformat()})
                if moved.status_code == 409:  # the clock, moving on its own, passed this due time already
                    continue
                assert moved.status_code == 200, moved.text
                while time.perf_counter() - started < 30:
                    if await conn.fetchval("SELECT true FROM notify.deliveries WHERE order_id = $1::uuid"
                                           " AND template = 'order_reminder' LIMIT 1", order_id):
                        samples.append((time.perf_counter() - started) * 1000)
                        break
                    await committed.wait_next(0.05)
                else:
                    raise RuntimeError(f"no reminder queued for order {order_id}")
        return samples
    finally:
        await conn.close()


# The orders of the "send order" run are sent at least this long before the first of the end-to-end
# probe's (a drain, a bare run and the raw round trip come between them), and so are their reminders due.
EARLIER_SENDS_BEFORE = timedelta(seconds=10)


# --- report ---------------------------------------------------------------------------------

def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}x" if base else "n/a"


def http_row(r: Result, base: Result, base_name: str, cpu_ms: str | None = None) -> str:
    return (f"| {r.name} | {r.rate} | {r.requests} | {r.success:.1%} | {r.throughput:.1f} | {r.p50_ms:.2f} |"
            f" {r.p99_ms:.2f} | {_ratio(r.p50_ms, base.p50_ms)} | {_ratio(r.p99_ms, base.p99_ms)} | {base_name} |"
            f" {cpu_ms or '—'} |")


def sample_row(name: str, rate: str, samples: list[float], base: tuple[float, float] | None, base_name: str) -> str:
    p50, p99 = percentiles(samples)
    ratios = (f"{_ratio(p50, base[0])} | {_ratio(p99, base[1])}" if base else "— | —")
    return f"| {name} | {rate} | {len(samples)} | 100.0% | — | {p50:.2f} | {p99:.2f} | {ratios} | {base_name} | — |"


def median_result(name: str, runs: list[Result]) -> Result:
    return Result(name=name, rate=runs[0].rate, requests=sum(r.requests for r in runs),
                  success=min(r.success for r in runs), throughput=statistics.median(r.throughput for r in runs),
                  p50_ms=statistics.median(r.p50_ms for r in runs), p99_ms=statistics.median(r.p99_ms for r in runs),
                  max_ms=max(r.max_ms for r in runs))


BENCH_RATE_LIMIT = 10_000_000   # far above any load here: every request counted, none refused


async def main(rate: int, seconds: float, e2e_rate: float, e2e_seconds: float, reminders: int) -> None:
    vegeta()
    began = time.monotonic()
    env = await create_env(Path(tempfile.mkdtemp()))
    baseline = page_baseline = notes_baseline = mail = None
    try:
        mail = MailCatcher().start()  # notify's e-mails go to a real SMTP server, as in production
        # Production counts every request against the rate limit (600 a minute by default); the
        # benchmark's few caseworkers send far more than that, so the limit is high but counted.
        limit = {"OMSORG_RATE_LIMIT_PER_MINUTE": str(BENCH_RATE_LIMIT)}
        procs = {name: env.start(name, **limit, **({"OMSORG_SMTP_PORT": str(mail.port)} if name == "notify" else {}))
                 for name in SERVICES}
        for proc in procs.values():
            await proc.wait_ready()
        conn = await env.db()
        await conn.execute("CREATE TABLE public.bare (id uuid PRIMARY KEY, body text NOT NULL);"
                           "INSERT INTO public.bare SELECT gen_random_uuid(), repeat('x', 200)"
                           f" FROM generate_series(1, {PERSONS}); ANALYZE public.bare")
        bare_ids = [str(r["id"]) for r in await conn.fetch("SELECT id FROM public.bare")]
        await conn.close()
        port = free_port()
        baseline = subprocess.Popen(
            [sys.executable, "-m", "bench.baseline", "--port", str(port), "--database-url", env.database_url,
             "--insert", "INSERT INTO public.bare (id, body) VALUES ($1, $2)",
             "--query", "SELECT id, body FROM public.bare WHERE id = $1::uuid"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        bare = f"http://127.0.0.1:{port}"
        await wait_up(f"{bare}/constant")
        # A reference, not a baseline: the same page of the watch list (Flow's caseworker's open
        # watches, 51 rows read for a page of 50) as a bare FastAPI endpoint answers it.
        port = free_port()
        page_baseline = subprocess.Popen(
            [sys.executable, "-m", "bench.baseline", "--port", str(port), "--database-url",
             f"{env.database_url}?search_path=watch", "--query", WATCH_PAGE],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        bare_page = f"http://127.0.0.1:{port}"
        await wait_up(f"{bare_page}/constant")
        # Another: a case's first page of notes, the journal's own statement (its JSON text answered).
        port = free_port()
        notes_baseline = subprocess.Popen(
            [sys.executable, "-m", "bench.baseline", "--port", str(port), "--database-url",
             f"{env.database_url}?search_path=journal", "--query", NOTES_PAGE],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        bare_notes = f"http://127.0.0.1:{port}"
        await wait_up(f"{bare_notes}/constant")

        pids = {name: proc.popen.pid for name, proc in procs.items()}
        pids["bare FastAPI (baseline)"] = baseline.pid
        await asyncio.sleep(5)
        idle = {name: rss_mb(pid) for name, pid in pids.items()}
        print("idle RSS: " + ", ".join(f"{n} {mb:.0f} MB" for n, mb in idle.items()), flush=True)

        flow = Flow(env, {name: proc.url for name, proc in procs.items()})
        started = time.monotonic()
        data = await load(flow)
        print(f"loaded {PERSONS} persons, {CASES} cases with a decision, {PROVIDERS} providers"
              f" in {time.monotonic() - started:.0f} s", flush=True)

        n = int(rate * seconds)
        e2e_n = int(e2e_rate * e2e_seconds)
        probe_drafts = []
        for i in range(e2e_n):  # drafts for the end-to-end probe, made before the load
            case_id, decision_id = data.cases[i % CASES]
            provider_id = data.providers[i % PROVIDERS]
            probe_drafts.append(((await flow.draft(case_id, decision_id, provider_id))["id"], provider_id))
        caseworker = flow.caseworker()
        registry, journal, orders, watch = (procs[s].url for s in ("registry", "journal", "orders", "watch"))
        body = '{"text": "' + "x" * 200 + '"}'
        new_pins = iter(unique_pins(PERSONS + 2 * n + 100, seed=2)[PERSONS:])
        today = date.today().isoformat()

        def json_target(method, url, payload, **headers):
            return target(method, url, headers={**caseworker, "Content-Type": "application/json", **headers},
                          body=json.dumps(payload))

        def cycle(items, k):
            return [items[i % len(items)] for i in range(k)]

        writes = {
            "register person (POST /persons)": lambda k: [json_target(
                "POST", f"{registry}/persons", {"pin": next(new_pins), "first_name": "Per", "last_name": "Ek"})
                for _ in range(k)],
            "open case (POST /cases)": lambda k: [json_target(
                "POST", f"{registry}/cases", {"unit": "vuxen", "kind": "SoL", "person_id": p})
                for p, _ in cycle(data.persons, k)],
            "write note (POST /cases/{id}/notes)": lambda k: [json_target(
                "POST", f"{journal}/cases/{c}/notes",
                {"occurred_on": today, "text": "Hembesök. Karin berättar att hon klarar inköpen själv.",
                 "source": "person"},
                **{"Idempotency-Key": str(uuid.uuid4())}) for c, _ in cycle(data.cases, k)],
            "create order (POST /orders)": lambda k: [json_target(
                "POST", f"{orders}/orders", flow.order_body(c, d, data.providers[i % PROVIDERS]))
                for i, (c, d) in enumerate(cycle(data.cases, k))],
        }
        bare_insert = lambda k: [target("POST", f"{bare}/insert", body=body) for _ in range(k)]  # noqa: E731
        bare_query = lambda k: [target("GET", f"{bare}/query?arg={i}") for i in cycle(bare_ids, k)]  # noqa: E731

        results: dict[str, Result] = {}
        bare_runs: dict[str, list[Result]] = {"insert": [], "query": []}

        cpu_ms: dict[str, list[float]] = {}   # the machine's CPU per request, by row (by baseline: each run)
        jit_ms: dict[str, list[float]] = {}   # of which the broker's JIT compiler, when it can be read

        async def warm_up(name, make):
            """The row's requests once, not counted: the broker compiles the paths they take and the
            services prepare their statements, as in a system that has been running."""
            result = attack(f"warm-up {name}", make(n), rate=rate, seconds=seconds)
            print(f"  (warm-up: p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, not counted)", flush=True)
            await drained(env)

        def run(name, make, kind=None):
            jit = broker_jit_ms()   # first: jstat is a JVM of its own, whose start is not the row's
            busy = machine_busy_seconds()
            result = attack(name, make(n), rate=rate, seconds=seconds)
            cpu_ms.setdefault(name, []).append((machine_busy_seconds() - busy) * 1000 / n)
            jit_after = broker_jit_ms()
            if jit is not None and jit_after is not None:
                jit_ms.setdefault(name, []).append((jit_after - jit) / n)
            print("  " + result.line() + f"  machine CPU {cpu_ms[name][-1]:.1f} ms/request"
                  + (f" (broker compiling {jit_ms[name][-1]:.1f})" if name in jit_ms else ""), flush=True)
            (bare_runs[kind].append(result) if kind else results.__setitem__(name, result))

        print(f"open loop: {rate}/s for {seconds:g} s per endpoint ({n} requests), vegeta up to 256 connections",
              flush=True)
        with PeakRss(pids) as peak:
            for name, make in (("warm-up insert", bare_insert), ("warm-up query", bare_query)):
                attack(name, make(2 * rate), rate=rate, seconds=2)
            run("bare FastAPI + asyncpg INSERT", bare_insert, "insert")
            for name, make in writes.items():
                await drained(env)
                await warm_up(name, make)
                run(name, make)
                if name.startswith("open case"):
                    run("bare FastAPI + asyncpg INSERT", bare_insert, "insert")
            probe_ids = {o for o, _ in probe_drafts}
            send_drafts = iter([(r["id"], r["provider_id"]) for r in await _fetch(
                env, "SELECT id::text, provider_id::text FROM orders.orders WHERE state = 'draft'")
                if r["id"] not in probe_ids])
            await drained(env)
            send = lambda k: [target("POST", f"{orders}/orders/{o}/send", headers=caseworker)  # noqa: E731
                              for o, _ in (next(send_drafts) for _ in range(k))]
            await warm_up("send order", send)
            run("send order (POST /orders/{id}/send)", send)
            await drained(env)
            run("bare FastAPI + asyncpg INSERT", bare_insert, "insert")

            print(f"end to end, open loop at {e2e_rate:g}/s for {e2e_seconds:g} s ({e2e_n} orders):", flush=True)
            await drained(env)
            raw = await kafka_round_trip(env, e2e_rate, e2e_seconds)
            inbox, _, consumed = await send_to_inbox(env, orders, probe_drafts, e2e_rate, e2e_seconds)
            await drained(env)
            reminder = await reminders_queued(env, watch, [o for o, _ in probe_drafts[:reminders]])
            await drained(env)
            raw_insert = await raw_inserts(env, n)

            reads = {
                "read person (GET /persons/{id})": lambda k: [target(
                    "GET", f"{registry}/persons/{p}", headers=caseworker) for p, _ in cycle(data.persons, k)],
                "occurrences (POST /occurrences/search)": lambda k: [json_target(
                    "POST", f"{registry}/occurrences/search", {"pin": pin}) for _, pin in cycle(data.persons, k)],
                "list watches (GET /watches)": lambda k: [target(
                    "GET", f"{watch}/watches", headers=caseworker) for _ in range(k)],
                "read notes (GET /cases/{id}/notes)": lambda k: [target(
                    "GET", f"{journal}/cases/{c}/notes", headers=caseworker) for c, _ in cycle(data.cases, k)],
            }
            listed = (await _fetch(env, "SELECT count(*) AS n FROM watch.watches WHERE assignee = 'anna'"
                                        " AND status = 'open'"))[0]["n"]
            run("bare FastAPI + asyncpg SELECT", bare_query, "query")
            for i, (name, make) in enumerate(reads.items()):
                await drained(env)
                await warm_up(name, make)
                run(name, make)
                if i == 1:
                    run("bare FastAPI + asyncpg SELECT", bare_query, "query")
            await drained(env)
            run("bare FastAPI + asyncpg SELECT", bare_query, "query")
            page_name = f"bare FastAPI + asyncpg SELECT of the watch list's page ({min(listed, 50)} watches)"
            run(page_name, lambda k: [target("GET", f"{bare_page}/query?arg=anna") for _ in range(k)])
            per_case = (await _fetch(env, "SELECT count(*)::float / count(DISTINCT case_id) AS n FROM journal.notes"
                                          " WHERE removed_at IS NULL"))[0]["n"]
            notes_name = f"bare FastAPI + asyncpg SELECT of a case's notes page (about {per_case:.0f} notes)"
            run(notes_name, lambda k: [target("GET", f"{bare_notes}/query?arg={c}") for c, _ in cycle(data.cases, k)])
        await asyncio.sleep(5)
        after = {name: rss_mb(pid) for name, pid in pids.items()}

        def cpu(name: str) -> str:
            machine = f"{statistics.median(cpu_ms[name]):.1f}"
            return machine + (f" ({statistics.median(jit_ms[name]):.1f})" if name in jit_ms else "")

        b_insert = median_result("bare FastAPI + asyncpg INSERT", bare_runs["insert"])
        b_query = median_result("bare FastAPI + asyncpg SELECT", bare_runs["query"])
        raw_p = percentiles(raw)
        lines = [
            f"Summary benchmark, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}. Open loop (vegeta) at {rate}/s for"
            f" {seconds:g} s per endpoint ({n} requests each, up to 256 connections); end to end at {e2e_rate:g}/s"
            f" for {e2e_seconds:g} s ({e2e_n} orders), reminders for {len(reminder)} of them (one per due time) one at a time.",
            f"Data: {PERSONS} persons registered first (plus those the run registers), {CASES} cases each with an"
            f" investigation and a decision, {PROVIDERS} providers; writes add about {2 * n} rows each (the"
            f" warm-up and the run). All five services,"
            f" PostgreSQL and Kafka share one 2-core machine with the load generator; ratios are to baselines"
            f" measured in the same run (median of {len(bare_runs['insert'])} insert and {len(bare_runs['query'])}"
            f" select runs, interleaved). Machine CPU: what all processes together used while the row ran"
            f" (/proc/stat), per request, including what the request set off in other services (events"
            f" consumed, mails sent); {os.cpu_count()} cores give {os.cpu_count() * 1000 // rate} ms a request at"
            f" {rate}/s. In brackets, the part of it the Kafka broker's JIT compiler took (`jstat -compiler`):"
            f" a broker started shortly before the run is still compiling the paths it takes.",
            "",
            "| endpoint | rate/s | n | ok | throughput/s | p50 ms | p99 ms | p50 ratio | p99 ratio | baseline"
            " | machine CPU ms/request |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
            *(http_row(r, b_insert, "bare insert", cpu(name)) for name, r in results.items() if name in writes
              or name.startswith("send order")),
            *(http_row(r, b_query, "bare select", cpu(name)) for name, r in results.items() if name in reads),
            http_row(b_insert, b_insert, "(baseline)", cpu(b_insert.name)),
            http_row(b_query, b_query, "(baseline)", cpu(b_query.name)),
            http_row(results[page_name], b_query, "(reference)", cpu(page_name)),
            http_row(results[notes_name], b_query, "(reference)", cpu(notes_name)),
            sample_row("raw asyncpg INSERT, one connection, no HTTP", "closed loop", raw_insert, None, "(reference)"),
            sample_row("send → order in provider's inbox (GET /provider/orders)", f"{e2e_rate:g}", inbox, raw_p,
                       "raw Kafka round trip"),
            sample_row("send → order.sent consumed from Kafka", f"{e2e_rate:g}", consumed, raw_p,
                       "raw Kafka round trip"),
            sample_row("reminder due (watch clock moved) → queued in notify", "one at a time", reminder, raw_p,
                       "raw Kafka round trip"),
            sample_row("raw aiokafka produce → consume → INSERT", f"{e2e_rate:g}", raw, raw_p, "(baseline)"),
            "",
            f"Resident memory (VmRSS), target under {RSS_TARGET_MB} MB idle per service:",
            "",
            "| process | idle MB | peak under load MB | idle after load MB | idle target |",
            "|---|---|---|---|---|",
            *(f"| {name} | {idle[name]:.0f} | {peak.peak[name]:.0f} | {after[name]:.0f} |"
              f" {'—' if name not in SERVICES else ('met' if idle[name] < RSS_TARGET_MB else 'NOT MET')} |"
              for name in pids),
            "",
            f"(whole run {time.monotonic() - began:.0f} s)",
        ]
        print("\n" + "\n".join(lines), flush=True)
    finally:
        for process in (baseline, page_baseline, notes_baseline):
            if process:
                process.terminate()
                process.wait(10)
        await drop_env(env)
        if mail:
            mail.stop()


async def _fetch(env, sql: str, *args):
    conn = await env.db()
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=50, help="requests per second per endpoint")
    parser.add_argument("--seconds", type=float, default=8, help="seconds per endpoint")
    parser.add_argument("--e2e-rate", type=float, default=10)
    parser.add_argument("--e2e-seconds", type=float, default=10)
    parser.add_argument("--reminders", type=int, default=60)
    args = parser.parse_args()
    asyncio.run(main(args.rate, args.seconds, args.e2e_rate, args.e2e_seconds, args.reminders))
