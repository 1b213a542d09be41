"""The soak (`make soak`): two replicas of each of the five services under a constant rate of
whole journeys for ten minutes, one replica killed with SIGKILL every minute (and started again),
and afterwards the proof that nothing was lost, nothing was done twice, and no process grew.

A journey is what a caseworker and a provider do for one person, through the services' HTTP
APIs, each request to one replica of the service in turn:

    register the person, open a case, start an investigation, decide home help (registry);
    write a journal note (journal, Idempotency-Key);
    once orders has the decision from the registry's events: draft the order (Idempotency-Key),
    send it; the provider opens it, confirms it, starts it and reports delivered minutes
    (orders, Idempotency-Key on the report).

Journeys start at a constant rate whatever the answers (open loop). Every minute one replica is
killed (the first replica of registry, journal, orders, watch, notify in turn) and a new one
started in its place; the second replica of each service lives throughout, and its resident
memory is compared between the end of the first minute and the end of the soak.

A request refused by a dead replica is sent to another. One cut off by a kill mid-request is sent
again to another replica when it is safe to repeat: reads, requests with an Idempotency-Key (the
case's opening among them), and state changes whose repetition answers 409 and can be checked by
reading the state. Registering the person, starting the investigation and making the decision
are not repeated (a second registration or decision is refused, not doubled, but the journey
could not go on): one cut off there is counted and its journey given up. Every other answer that
is not the expected one is an error.

Afterwards, when the outboxes are drained and the consumers have caught up:
- orders holds each finished journey's case, decision and order once; every order confirmed,
  started, with one delivery report;
- the journal holds one note per finished journey;
- `order.sent` is on the topic once per order (one event id; a record repeated with the same id
  is a relay's republish, which the inboxes absorb);
- notify made one e-mail delivery per order, delivered; the mail catcher counts the messages by
  Message-ID (a repeat with the same Message-ID is SMTP's at-least-once after a kill between
  sending and recording, reported);
- watch knows every order, armed its two timers once, and settled them with the confirmation;
- no dead letters on any topic.

    python -m bench.soak [--minutes 10] [--rate 1.0] [--kill-every 60]
"""
import argparse
import asyncio
import json
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx

from bench.summary_bench import rss_mb
from tests import clock
from tests.integration.notify.helpers import MailCatcher, notify_env
from tests.integration.orders.helpers import organisation_number
from tests.pins import make_pin
from tests.stack import (
    SERVICES,
    ServiceProcess,
    TestEnv,
    create_env,
    drop_env,
    eventually,
    read_topic,
)

UNIT = "vuxen"
RSS_GROWTH_LIMIT = 0.10


class CutOff(Exception):
    """A request that a kill cut off and that cannot be safely sent again."""


@dataclass
class Replicas:
    """The live processes of each service, and which one answers next."""
    env: TestEnv
    extra: dict[str, dict[str, str]]
    live: dict[str, list[ServiceProcess]] = field(default_factory=dict)
    turn: Counter = field(default_factory=Counter)

    async def start(self, service: str) -> ServiceProcess:
        process = self.env.start(service, **self.extra.get(service, {}))
        await process.wait_ready(timeout=120)
        return process

    def next(self, service: str, avoid: ServiceProcess | None = None) -> ServiceProcess:
        """The next replica in turn. A killed one stays in the turn until its successor is ready,
        as behind a load balancer that has not noticed yet: the client finds out by the refused
        connection and goes to another."""
        choices = [p for p in self.live[service] if p is not avoid] or self.live[service]
        self.turn[service] += 1
        return choices[self.turn[service] % len(choices)]


@dataclass
class Tally:
    journeys_started: int = 0
    journeys_finished: int = 0
    given_up: int = 0                    # journeys whose registry request was cut off
    retried: int = 0                     # requests cut off and sent again to another replica
    refused: int = 0                     # requests refused by a dead replica and sent to another
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    kills: list[str] = field(default_factory=list)
    finished: list[dict] = field(default_factory=list)


class Journey:
    def __init__(self, replicas: Replicas, tally: Tally, env: TestEnv, provider: dict, pool: asyncpg.Pool,
                 client: httpx.AsyncClient):
        self.replicas, self.tally, self.env, self.provider = replicas, tally, env, provider
        self.pool, self.client = pool, client

    async def call(self, service: str, method: str, path: str, *, repeatable: bool, expect: tuple[int, ...],
                   headers: dict, **kw) -> httpx.Response:
        process = self.replicas.next(service)
        self.tally.requests += 1
        try:
            response = await self.client.request(method, process.url + path, headers=headers, **kw)
        except httpx.TransportError as exc:
            # A refused connection never reached the service: safe to send anywhere else. One cut
            # off after it was sent may have been made, and is sent again only when repeatable.
            if not repeatable and not isinstance(exc, httpx.ConnectError):
                raise CutOff(f"{service} {method} {path}") from None
            if isinstance(exc, httpx.ConnectError):
                self.tally.refused += 1
            else:
                self.tally.retried += 1
            process = self.replicas.next(service, avoid=process)
            response = await self.client.request(method, process.url + path, headers=headers, **kw)
        if response.status_code not in expect:
            raise AssertionError(f"{service} {method} {path}: {response.status_code} {response.text[:300]}")
        return response

    async def run(self) -> None:
        self.tally.journeys_started += 1
        try:
            self.tally.finished.append(await self._steps())
            self.tally.journeys_finished += 1
        except CutOff:
            self.tally.given_up += 1
        except Exception as exc:  # noqa: BLE001  every failure is counted and shown, none stops the soak
            self.tally.errors.append(f"{type(exc).__name__}: {exc}")

    async def _steps(self) -> dict:
        worker = self.env.auth("caseworker", "anna", unit=UNIT)
        provider = self.env.auth("provider_user", "pia", provider_id=self.provider["id"])
        today = clock.today()

        async def registry(path: str, body: dict) -> dict:
            return (await self.call("registry", "POST", path, repeatable=False, expect=(201,), headers=worker,
                                    json=body)).json()

        person = await registry("/persons", {"pin": make_pin(), "first_name": "Karin", "last_name": "Berg"})
        case = (await self.call("registry", "POST", "/cases", repeatable=True, expect=(200, 201),
                                headers=worker | {"Idempotency-Key": f"case-{person['id']}"},
                                json={"unit": UNIT, "kind": "SoL", "person_id": person["id"]})).json()
        await registry(f"/cases/{case['id']}/investigations", {})
        decision = await registry(f"/cases/{case['id']}/decisions", {
            "intervention": "home_help", "reasons": "Behov av stöd i hemmet.",
            "legal_basis": "4 kap. 1 § socialtjänstlagen (2025:400)", "valid_from": today.isoformat(),
            "valid_to": (today + timedelta(days=365)).isoformat(),
            "follow_up_on": (today + timedelta(days=90)).isoformat(),
            "communication": {"communicated": True, "communicated_on": today.isoformat(), "method": "letter"}})

        async def journal_knows():
            return await self.pool.fetchval("SELECT true FROM journal.cases WHERE case_id = $1", uuid.UUID(case["id"]))
        if not await eventually(journal_knows, timeout=90, interval=0.5):
            raise AssertionError(f"journal never heard of case {case['id']}")
        note = (await self.call("journal", "POST", f"/cases/{case['id']}/notes", repeatable=True, expect=(200, 201),
                                headers=worker | {"Idempotency-Key": f"note-{case['id']}"},
                                json={"occurred_on": today.isoformat(), "source": "person",
                                      "text": "Hembesök. Karin berättar om sitt behov av hjälp."})).json()

        async def orderable():
            return await self.pool.fetchval("SELECT true FROM orders.decisions WHERE decision_id = $1",
                                            uuid.UUID(decision["id"]))
        if not await eventually(orderable, timeout=90, interval=0.5):
            raise AssertionError(f"orders never heard of decision {decision['id']}")
        order = (await self.call("orders", "POST", "/orders", repeatable=True, expect=(200, 201),
                                 headers=worker | {"Idempotency-Key": f"order-{decision['id']}"}, json={
                                     "case_id": case["id"], "decision_id": decision["id"],
                                     "provider_id": self.provider["id"], "intervention": "home_help",
                                     "details": "Hjälp med inköp och städning, två gånger i veckan.",
                                     "wanted_start": today.isoformat()})).json()
        order_id = order["id"]
        # A state change cut off by a kill is sent again; 409 then means the first one was made,
        # which the order's state read afterwards shows.
        await self.call("orders", "POST", f"/orders/{order_id}/send", repeatable=True, expect=(200, 409),
                        headers=worker)
        await self.call("orders", "GET", f"/provider/orders/{order_id}", repeatable=True, expect=(200,),
                        headers=provider)
        await self.call("orders", "POST", f"/provider/orders/{order_id}/confirm", repeatable=True,
                        expect=(200, 409), headers=provider)
        await self.call("orders", "POST", f"/provider/orders/{order_id}/start", repeatable=True, expect=(200, 409),
                        headers=provider, json={"started_on": today.isoformat()})
        await self.call("orders", "POST", f"/provider/orders/{order_id}/deliveries", repeatable=True,
                        expect=(200, 201), headers=provider | {"Idempotency-Key": f"delivery-{order_id}"},
                        json={"delivered_on": today.isoformat(), "minutes": 90})
        state = (await self.call("orders", "GET", f"/provider/orders/{order_id}", repeatable=True, expect=(200,),
                                 headers=provider)).json()["state"]
        if state != "started":
            raise AssertionError(f"order {order_id} is {state} after its journey")
        return {"case": case["id"], "decision": decision["id"], "order": order_id, "note": note["id"]}


async def killer(replicas: Replicas, tally: Tally, every: float, stop: asyncio.Event) -> None:
    """Every `every` seconds the first replica of the next service dies by SIGKILL, and a new one
    takes its place as soon as it is ready."""
    began = time.monotonic()
    n = 0
    while not stop.is_set():
        n += 1
        try:  # on the minute (every `every` s from the start), however long the last restart took
            await asyncio.wait_for(stop.wait(), timeout=max(0.0, began + n * every - time.monotonic()))
            return
        except TimeoutError:
            pass
        service = SERVICES[(n - 1) % len(SERVICES)]
        doomed = replicas.live[service][0]
        doomed.kill(signal.SIGKILL)
        tally.kills.append(f"{time.strftime('%H:%M:%S')} {service} (port {doomed.port})")
        print(f"  killed {service} replica on port {doomed.port} with SIGKILL", flush=True)
        fresh = await replicas.start(service)
        replicas.live[service][0] = fresh


def keepers_rss(replicas: Replicas) -> dict[str, float]:
    """The resident memory of each service's second replica, which is never killed."""
    return {service: rss_mb(replicas.live[service][1].popen.pid) for service in SERVICES}


async def check(env: TestEnv, pool: asyncpg.Pool, tally: Tally, catcher: MailCatcher) -> list[str]:
    """What went wrong in the data, as sentences; empty when nothing was lost or doubled."""
    wrong = []
    orders = [uuid.UUID(j["order"]) for j in tally.finished]
    cases = [uuid.UUID(j["case"]) for j in tally.finished]
    decisions = [uuid.UUID(j["decision"]) for j in tally.finished]

    async def drained():
        for schema in ("registry", "journal", "orders", "watch", "notify"):
            if await pool.fetchval(f"SELECT count(*) FROM {schema}.outbox WHERE published_at IS NULL"):
                return False
        return True
    if not await eventually(drained, timeout=120, interval=1):
        wrong.append("an outbox still had unpublished events two minutes after the load")

    def once(rows, what: str, expected: list) -> None:
        counts = Counter({r[0]: r[1] for r in rows})
        missing = [x for x in expected if counts[x] == 0]
        doubled = [x for x in expected if counts[x] > 1]
        if missing or doubled:
            wrong.append(f"{what}: {len(missing)} missing, {len(doubled)} twice or more")

    once(await pool.fetch("SELECT case_id, count(*) FROM orders.cases WHERE case_id = ANY($1) GROUP BY 1", cases),
         "cases in orders", cases)
    once(await pool.fetch("SELECT decision_id, count(*) FROM orders.decisions WHERE decision_id = ANY($1)"
                          " GROUP BY 1", decisions), "decisions in orders", decisions)
    once(await pool.fetch("SELECT decision_id, count(*) FROM orders.orders WHERE decision_id = ANY($1) GROUP BY 1",
                          decisions), "orders per decision", decisions)
    once(await pool.fetch("SELECT order_id, count(*) FROM orders.deliveries WHERE order_id = ANY($1) GROUP BY 1",
                          orders), "delivery reports per order", orders)
    once(await pool.fetch("SELECT case_id, count(*) FROM journal.notes WHERE case_id = ANY($1) GROUP BY 1", cases),
         "journal notes per case", cases)

    async def mailed():
        return await pool.fetchval("SELECT count(*) FROM notify.deliveries WHERE order_id = ANY($1)"
                                   " AND event_type = 'order.sent' AND channel = 'email' AND status = 'delivered'",
                                   orders) >= len(orders)
    await eventually(mailed, timeout=120, interval=1)
    once(await pool.fetch("SELECT order_id, count(*) FROM notify.deliveries WHERE order_id = ANY($1)"
                          " AND event_type = 'order.sent' AND channel = 'email' AND status = 'delivered' GROUP BY 1",
                          orders), "e-mails of order.sent delivered per order", orders)

    async def settled():
        return await pool.fetchval("SELECT count(*) FROM watch.subjects WHERE id = ANY($1) AND known"
                                   " AND 'confirmation' = ANY(settled)", orders) == len(orders)
    if not await eventually(settled, timeout=120, interval=1):
        left = len(orders) - await pool.fetchval("SELECT count(*) FROM watch.subjects WHERE id = ANY($1) AND known"
                                                 " AND 'confirmation' = ANY(settled)", orders)
        wrong.append(f"watch: {left} orders not known and settled (confirmed) in watch")
    # Each order's reminder and escalation armed once by its order.sent, and raised nothing.
    armed = Counter({r[0]: r[1] for r in await pool.fetch(
        "SELECT subject_id, count(*) FROM watch.timers WHERE subject_id = ANY($1) GROUP BY 1", orders)})
    if sorted({armed[o] for o in orders}) != [2]:
        wrong.append(f"watch: timers per order {Counter(armed[o] for o in orders)}, expected 2 each")
    if raised := await pool.fetchval("SELECT count(*) FROM watch.watches WHERE subject_id = ANY($1)", orders):
        wrong.append(f"watch: {raised} watches raised for orders confirmed at once")

    sent_ids = defaultdict(set)
    for record in await read_topic(env.kafka_bootstrap, env.topic("orders.events"), at_least=len(orders)):
        headers = dict(record.headers)
        if headers["ce_type"] == b"order.sent":
            sent_ids[json.loads(record.value)["order_id"]].add(headers["ce_id"].decode())
    for order in map(str, orders):
        if len(sent_ids.get(order, ())) != 1:
            wrong.append(f"order.sent for {order}: {len(sent_ids.get(order, ()))} event ids")
            break
    for topic in ("registry.events", "journal.events", "orders.events", "watch.events", "notify.events"):
        dead = await read_topic(env.kafka_bootstrap, env.topic(f"{topic}.dlq"), timeout=1)
        if dead:
            wrong.append(f"{len(dead)} dead letters on {topic}.dlq")
    return wrong


async def soak(minutes: float, rate: float, kill_every: float) -> int:
    logs = Path(tempfile.mkdtemp(prefix="omsorg-soak-"))
    env = await create_env(logs)
    catcher = MailCatcher().start()
    replicas = Replicas(env, extra={"notify": notify_env(catcher.port)})
    tally = Tally()
    pool = await asyncpg.create_pool(env.database_url, min_size=2, max_size=10)
    began = time.monotonic()
    try:
        print(f"starting two replicas of each service (logs in {logs})", flush=True)
        for service in SERVICES:
            replicas.live[service] = list(await asyncio.gather(replicas.start(service), replicas.start(service)))
        async with httpx.AsyncClient(base_url=replicas.live["orders"][1].url, timeout=30) as client:
            answer = await client.post("/providers", headers=env.auth("object_specialist", "olle"), json={
                "name": "Omsorg AB", "organisation_number": organisation_number(),
                "email": "bestallning@omsorgen.example", "interventions": ["home_help"]})
            assert answer.status_code == 201, answer.text
            provider = answer.json()
        stop = asyncio.Event()
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:
            kills = asyncio.create_task(killer(replicas, tally, kill_every, stop))
            journeys: set[asyncio.Task] = set()
            started = time.monotonic()
            rss_start: dict[str, float] = {}
            n = 0
            print(f"{minutes:g} minutes at {rate:g} journeys/s, a kill every {kill_every:g} s", flush=True)
            while (elapsed := time.monotonic() - started) < minutes * 60:
                if not rss_start and elapsed >= 60:
                    rss_start = keepers_rss(replicas)
                if n % max(1, round(rate * 30)) == 0:
                    print(f"  {elapsed:5.0f} s: {tally.journeys_started} started, {tally.journeys_finished} finished,"
                          f" {tally.given_up} given up, {len(tally.errors)} errors, {len(journeys)} running",
                          flush=True)
                task = asyncio.create_task(Journey(replicas, tally, env, provider, pool, client).run())
                journeys.add(task)
                task.add_done_callback(journeys.discard)
                n += 1
                await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
            load_seconds = time.monotonic() - started
            rss_end = keepers_rss(replicas)
            stop.set()
            await kills
            if journeys:
                await asyncio.wait(journeys, timeout=180)
        wrong = await check(env, pool, tally, catcher)
        repeats = Counter(m["Message-ID"] for m in catcher.messages)

        print(f"\nsoak: {load_seconds / 60:.1f} min of load at {rate:g} journeys/s, {len(tally.kills)} kills,"
              f" {time.monotonic() - began:.0f} s in all")
        for kill in tally.kills:
            print(f"  kill: {kill}")
        print(f"journeys: {tally.journeys_started} started, {tally.journeys_finished} finished,"
              f" {tally.given_up} given up at a registry request cut off by a kill")
        print(f"requests: {tally.requests}; cut off by a kill and sent again to another replica: {tally.retried};"
              f" refused by a dead replica and sent to another: {tally.refused}")
        print(f"e-mails: {len(catcher.messages)} messages, {len(repeats)} distinct Message-IDs"
              f" ({sum(n - 1 for n in repeats.values())} repeated by SMTP's at-least-once)")
        print("resident memory of the replicas never killed (MB, after the first minute → at the end):")
        grown = []
        for service in SERVICES:
            before, after = rss_start.get(service, 0.0), rss_end[service]
            change = (after - before) / before if before else float("nan")
            print(f"  {service:9} {before:7.1f} → {after:7.1f}  ({change:+.1%})")
            if not before or change > RSS_GROWTH_LIMIT:
                grown.append(service)
        print(f"errors: {len(tally.errors)}")
        for error in tally.errors[:20]:
            print(f"  {error}")
        for sentence in wrong:
            print(f"WRONG: {sentence}")
        if grown:
            print(f"WRONG: resident memory grew more than {RSS_GROWTH_LIMIT:.0%}: {', '.join(grown)}")
        ok = not wrong and not grown and not tally.errors and tally.journeys_finished > 0
        print("soak: " + ("nothing lost, nothing doubled, no growth" if ok else "FAILED"))
        return 0 if ok else 1
    finally:
        await pool.close()
        catcher.stop()
        await drop_env(env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=1.0, help="journeys started per second")
    parser.add_argument("--kill-every", type=float, default=60, help="seconds between kills")
    args = parser.parse_args()
    sys.exit(asyncio.run(soak(args.minutes, args.rate, args.kill_every)))


if __name__ == "__main__":
    main()
