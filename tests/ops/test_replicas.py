"""Two replicas of orders and two of watch share a stream of events and requests; one of each dies
by SIGKILL in its middle, and nothing is lost or done twice.

The registry's events (a case opened and a decision on it, keyed by the case as the registry keys
them) are published at a steady rate straight to the broker; orders (consumer group `orders`) and
watch (`watch`) consume them. As soon as orders knows a decision, an order is drafted and sent
against it through the API, to the two orders replicas in turn (with an Idempotency-Key: a
request cut off by a death is sent again to the survivor). Watch runs a month ahead, so the two
timers it arms for each `order.sent` are due at once, and both replicas' schedulers fire them as
the stream runs.

Mid-stream, the test kills one watch replica with SIGKILL (a batch of timers it was firing rolls
back; what its consumer had fetched and not committed is read again by the survivor), and makes
one orders replica die as badly as it can: for each partition a case is opened, decided and
closed at once, and the replica started with `OMSORG_FAULT=consumer_before_offsets:case.closed`
kills itself (SIGKILL) right after committing the effects of the batch that holds them and before
committing its offsets. The survivor reads that batch again, and only the inbox keeps the cases
from being inserted twice (a plain INSERT: a second one fails and goes to the dead-letter topic).
The broker moves a dead member's partitions to the survivor after its session timeout (10 s);
the stream goes on meanwhile, and after it:

- each group has one member, holding every partition of its topic, and events published after
  the deaths reached every partition and were handled: the survivor took over;
- every event was handled by each consumer (in its inbox, whose key makes it at most once), every
  case and decision is in orders once, nothing went to a dead-letter topic; every order was made
  once and `order.sent` is on the topic for each with one event id (a record repeated with that
  id is a relay's republish, which the inbox absorbs);
- each order's two timers fired once: one watch of each kind per order, triggered once, and one
  `watch.raised` and one `watch.escalated` for it on the topic.

About a minute; up to 90 s on a busy machine.
"""
import asyncio
import json
import signal
import time
import uuid
from collections import Counter, defaultdict
from datetime import timedelta

import httpx
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from aiokafka.partitioner import DefaultPartitioner
from uuid_utils.compat import uuid7

from shared.events import Envelope, to_kafka, type_of
from shared.events.catalog.registry import CaseClosed, CaseOpened, DecisionMade
from shared.kafka import kafka_options
from tests import clock
from tests.integration.orders.helpers import organisation_number
from tests.integration.watch.helpers import Upstream, fetch
from tests.stack import eventually, read_topic

RATE = 5                 # cases (each a case.opened and a decision.made) per second
BEFORE_KILL = 8.0        # seconds of stream with both replicas
AFTER_KILL = 15.0        # seconds of stream after the kill: the session timeout (10 s) and the rebalance
PARTITIONS = (0, 1, 2)   # of each topic (OMSORG_KAFKA_TOPIC_PARTITIONS, 3 by default)
UNIT = "vuxen"


async def assignment(env, group: str, topic: str) -> list[set[int]]:
    """The partitions of `topic` held by each member of the consumer group, as the broker says."""
    admin = AIOKafkaAdminClient(**kafka_options(env.settings))
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([env.topic(group)])
    finally:
        await admin.close()
    [(_error, _group, _state, _protocol_type, _protocol, members, *_)] = response.groups
    held = []
    for _member_id, _client_id, _host, _metadata, raw in members:
        decoded = ConsumerProtocolMemberAssignment.decode(raw).assignment if raw else []
        held.append({p for t, parts in decoded if t == env.topic(topic) for p in parts})
    return held


async def both_hold_partitions(env, group: str, topic: str) -> bool:
    held = await assignment(env, group, topic)
    return len(held) == 2 and all(held)


class Stream:
    """The registry's events at a steady rate, and an order for each decision as orders learns of it."""

    def __init__(self, env, doomed: str, survivor: str):
        self.env = env
        self.doomed, self.survivor = doomed, survivor   # the orders replicas' URLs
        self.doomed_dead = False
        self.cases: dict[str, str] = {}     # case_id → decision_id
        self.partition: dict[str, int] = {}  # case_id → its partition of registry.events
        self.event_ids: dict[str, list[str]] = defaultdict(list)  # by type
        self.closed: list[str] = []         # cases opened, decided and closed at once
        self.published_at: dict[str, float] = {}
        self.orders: dict[str, str] = {}    # decision_id → order_id
        self.served = Counter()             # requests answered, by replica URL
        self.resent = 0                     # requests cut off by a death and sent to the survivor
        self.provider: dict | None = None
        self.stopping = False

    def caseworker(self) -> dict[str, str]:
        return self.env.auth("caseworker", "anna", unit=UNIT)

    def events(self, case_id: uuid.UUID) -> tuple[CaseOpened, DecisionMade]:
        today = clock.today()
        return (CaseOpened(case_id=case_id, unit=UNIT, kind="SoL", person_id=uuid.uuid4(),
                           opened_on=today - timedelta(days=60)),
                DecisionMade(case_id=case_id, decision_id=uuid.uuid4(), unit=UNIT, intervention="home_help",
                             valid_from=today - timedelta(days=30), valid_to=today + timedelta(days=365),
                             follow_up_on=today + timedelta(days=180), decided_on=today - timedelta(days=31),
                             decided_by="anna"))

    async def publish(self, upstream: Upstream, seconds: float) -> None:
        """RATE cases a second for `seconds`, each case's two events in order on its partition."""
        started = time.monotonic()
        n = 0
        while time.monotonic() - started < seconds:
            case_id = uuid.uuid4()
            opened, made = self.events(case_id)
            await (await self.send(upstream, opened, case_id))
            self.partition[str(case_id)] = (await (await self.send(upstream, made, case_id))).partition
            self.cases[str(case_id)] = str(made.decision_id)
            self.published_at[str(case_id)] = time.monotonic()
            n += 1
            await asyncio.sleep(max(0.0, started + n / RATE - time.monotonic()))

    async def open_and_close(self, upstream: Upstream) -> None:
        """For each partition, a case opened, decided and closed in one record batch: whoever holds
        the partition reads the three in one fetch and handles them in one transaction."""
        left = set(PARTITIONS)
        while left:
            case_id = uuid.uuid4()
            partition = DefaultPartitioner()(str(case_id).encode(), list(PARTITIONS), list(PARTITIONS))
            if partition not in left:
                continue
            left.discard(partition)
            closed = CaseClosed(case_id=case_id, closed_on=clock.today(), closed_at=clock.now())
            for data in (*self.events(case_id), closed):
                await self.send(upstream, data, case_id)
            self.closed.append(str(case_id))
        await upstream.flush()

    async def send(self, upstream: Upstream, data, key) -> asyncio.Future:
        """Publish as the registry does; returns the future of the record's metadata."""
        envelope = Envelope(id=uuid7(), source="omsorg/registry", type=type_of(data).name, time=clock.now(),
                            data=data.model_dump(mode="json"))
        headers, body = to_kafka(envelope)
        self.event_ids[envelope.type].append(str(envelope.id))
        return await upstream.producer.send(self.env.topic("registry.events"), value=body, key=str(key).encode(),
                                            headers=headers)

    async def _request(self, client: httpx.AsyncClient, method: str, path: str, n: int, **kw) -> httpx.Response:
        """To the replicas in turn while both live; one cut off or refused by the doomed replica
        (it died) goes to the survivor, as everything after it."""
        url = self.survivor if self.doomed_dead else (self.doomed, self.survivor)[n % 2]
        headers = self.caseworker() | kw.pop("headers", {})
        try:
            response = await client.request(method, url + path, headers=headers, **kw)
        except httpx.TransportError:
            if url == self.survivor:
                raise
            self.doomed_dead, url = True, self.survivor
            self.resent += 1
            response = await client.request(method, url + path, headers=headers, **kw)
        self.served[url] += 1
        return response

    async def order(self, client: httpx.AsyncClient, case_id: str, decision_id: str, n: int) -> None:
        key = {"Idempotency-Key": f"order-{decision_id}"}
        created = await self._request(client, "POST", "/orders", n, headers=key, json={
            "case_id": case_id, "decision_id": decision_id, "provider_id": self.provider["id"],
            "intervention": "home_help", "details": "Hjälp med inköp och städning, två gånger i veckan.",
            "wanted_start": clock.today().isoformat()})
        assert created.status_code in (200, 201), created.text  # 200: the retry of one the dead replica made
        order_id = created.json()["id"]
        sent = await self._request(client, "POST", f"/orders/{order_id}/send", n)
        if sent.status_code == 409:  # the dead replica had sent it before the answer was lost
            sent = await self._request(client, "GET", f"/orders/{order_id}", n)
            assert sent.json()["state"] == "sent", sent.text
        assert sent.status_code == 200, sent.text
        self.orders[decision_id] = order_id

    async def place_orders(self) -> None:
        """Until stopped and every decision has its order: an order for each decision orders knows."""
        n = 0
        async with httpx.AsyncClient(timeout=30) as client:
            while True:
                waiting = {d: c for c, d in self.cases.items() if d not in self.orders}
                if self.stopping and not waiting:
                    return
                known = [str(r["decision_id"]) for r in await fetch(
                    self.env, "SELECT decision_id FROM orders.decisions WHERE decision_id = ANY($1::uuid[])",
                    list(waiting))]
                for decision_id in known:
                    await self.order(client, waiting[decision_id], decision_id, n)
                    n += 1
                if not known:
                    await asyncio.sleep(0.2)


async def test_a_replica_killed_mid_stream_loses_and_repeats_nothing(env):
    started = time.monotonic()
    orders = [env.start("orders", OMSORG_FAULT="consumer_before_offsets:case.closed"), env.start("orders")]
    # Watch runs a month ahead, so each order's timers (two and five working days after it was sent)
    # are due as soon as they are armed, and both schedulers fire them while the stream runs; in
    # small batches, so that the two take turns.
    ahead = {"OMSORG_CLOCK_OFFSET_SECONDS": str((clock.OFFSET + timedelta(days=30)).total_seconds()),
             "OMSORG_WATCH_BATCH_SIZE": "5"}
    watch = [env.start("watch", **ahead), env.start("watch", **ahead)]
    await asyncio.gather(*(p.wait_ready(timeout=120) for p in orders + watch))
    # Both replicas of each group hold partitions before anything is sent.
    assert await eventually(lambda: both_hold_partitions(env, "orders", "registry.events"), timeout=30), \
        await assignment(env, "orders", "registry.events")
    assert await eventually(lambda: both_hold_partitions(env, "watch", "orders.events"), timeout=30), \
        await assignment(env, "watch", "orders.events")

    stream = Stream(env, orders[0].url, orders[1].url)
    async with httpx.AsyncClient(base_url=orders[1].url, timeout=30) as client:
        response = await client.post("/providers", headers=env.auth("object_specialist", "olle"), json={
            "name": "Omsorg AB", "organisation_number": organisation_number(),
            "email": "bestallning@omsorgen.example", "interventions": ["home_help"]})
    assert response.status_code == 201, response.text
    stream.provider = response.json()

    async with Upstream(env) as upstream:
        placing = asyncio.create_task(stream.place_orders())
        try:
            await stream.publish(upstream, BEFORE_KILL)
            for _ in range(20):  # on a busy machine, on until the schedulers have fired something
                if fired_before := await order_watches(env):
                    break
                await stream.publish(upstream, 1)
            await stream.open_and_close(upstream)
            watch[0].kill()  # SIGKILL, at once
            assert watch[0].popen.returncode == -signal.SIGKILL
            killed_at = time.monotonic()
            await stream.publish(upstream, AFTER_KILL)
            stream.stopping = True
            await asyncio.wait_for(placing, timeout=60)
        finally:
            placing.cancel()
    assert await orders[0].wait_exit(timeout=1) == -signal.SIGKILL, "orders replica 1 did not die at its fault"
    served_before = stream.served[orders[0].url]
    assert served_before > 0, "the dead orders replica served nothing before it died"
    assert fired_before > 0, "no timer fired before the kill"

    # The survivors took over: one member each, holding every partition.
    for group, topic in (("orders", "registry.events"), ("watch", "orders.events")):
        async def alone():
            held = await assignment(env, group, topic)
            return len(held) == 1 and held[0] == set(PARTITIONS)
        assert await eventually(alone, timeout=20), (group, await assignment(env, group, topic))
    after_kill = {stream.partition[c] for c, at in stream.published_at.items() if at > killed_at}
    assert after_kill == set(PARTITIONS), f"events after the kill reached only partitions {after_kill}"

    # Orders: every case and decision once, every order once.
    cases, decisions = list(stream.cases), list(stream.cases.values())
    assert len(stream.orders) == len(decisions)
    rows = await fetch(env, "SELECT status, count(*) AS n FROM orders.cases WHERE case_id = ANY($1::uuid[])"
                            " GROUP BY status", cases + stream.closed)
    assert {r["status"]: r["n"] for r in rows} == {"open": len(cases), "closed": len(stream.closed)}
    rows = await fetch(env, "SELECT count(*) AS n FROM orders.decisions WHERE decision_id = ANY($1::uuid[])",
                       decisions)
    assert rows[0]["n"] == len(decisions)
    rows = await fetch(env, "SELECT decision_id, count(*) AS n FROM orders.orders GROUP BY decision_id")
    assert {str(r["decision_id"]): r["n"] for r in rows} == {d: 1 for d in decisions}
    # Every event handled (the inbox's key makes it at most once).
    registry_events = [i for ids in stream.event_ids.values() for i in ids]
    rows = await fetch(env, "SELECT count(*) AS n FROM orders.inbox WHERE event_id = ANY($1::uuid[])",
                       registry_events)
    assert rows[0]["n"] == len(registry_events) == 2 * len(cases) + 3 * len(stream.closed)

    async def published():
        return (await fetch(env, "SELECT count(*) AS n FROM orders.outbox WHERE published_at IS NULL"))[0]["n"] == 0
    assert await eventually(published, timeout=30)
    sent_ids = defaultdict(set)
    records = Counter()
    for record in await read_topic(env.kafka_bootstrap, env.topic("orders.events"), at_least=len(decisions)):
        headers = dict(record.headers)
        if headers["ce_type"] == b"order.sent":
            sent_ids[json.loads(record.value)["order_id"]].add(headers["ce_id"].decode())
            records[headers["ce_id"].decode()] += 1
    assert set(sent_ids) == set(stream.orders.values()), "an order.sent missing, or one for no order"
    assert all(len(ids) == 1 for ids in sent_ids.values()), "an order sent twice under two event ids"
    for topic in ("registry.events", "orders.events"):
        dead = await read_topic(env.kafka_bootstrap, env.topic(f"{topic}.dlq"), timeout=1)
        assert dead == [], f"{topic}.dlq: {[(r.headers, r.value) for r in dead]}"

    # Watch: each order's two timers armed once and fired once, by one replica or the other.
    order_ids = list(stream.orders.values())

    async def all_fired():
        rows = await fetch(env, "SELECT count(*) AS n FROM watch.watches WHERE subject_id = ANY($1::uuid[])",
                           order_ids)
        left = await fetch(env, "SELECT count(*) AS n FROM watch.timers WHERE subject_id = ANY($1::uuid[])",
                           order_ids)
        return rows[0]["n"] >= 2 * len(order_ids) and left[0]["n"] == 0
    assert await eventually(all_fired, timeout=60)
    handled = (stream.event_ids["decision.made"] + stream.event_ids["case.closed"]
               + [i for ids in sent_ids.values() for i in ids])
    rows = await fetch(env, "SELECT count(*) AS n FROM watch.inbox WHERE event_id = ANY($1::uuid[])", handled)
    assert rows[0]["n"] == len(handled)
    rows = await fetch(env, "SELECT id, kind, trigger_count FROM watch.watches WHERE subject_id = ANY($1::uuid[])",
                       order_ids)
    assert Counter(r["kind"] for r in rows) == {"order_unconfirmed": len(order_ids),
                                                "order_escalated": len(order_ids)}
    assert Counter(r["trigger_count"] for r in rows) == {1: 2 * len(order_ids)}, "a timer fired twice"
    watch_ids = {str(r["id"]) for r in rows}

    async def events():
        found = defaultdict(set)
        for record in await read_topic(env.kafka_bootstrap, env.topic("watch.events"), timeout=5):
            data = json.loads(record.value)
            if data.get("watch_id") in watch_ids:
                found[dict(record.headers)["ce_type"].decode()].add(dict(record.headers)["ce_id"].decode())
        return {kind: len(ids) for kind, ids in found.items()}
    expected = {"watch.raised": len(order_ids), "watch.escalated": len(order_ids)}
    assert await eventually(lambda: _equal(events, expected), timeout=30), await events()

    print(f"\n{len(cases)} cases, {len(order_ids)} orders; the dead orders replica answered "
          f"{served_before} requests; {stream.resent} cut off by its death and sent again; "
          f"order.sent records repeated with their id: {sum(n - 1 for n in records.values())}; "
          f"{fired_before} order watches raised before the kill; "
          f"{time.monotonic() - started:.1f} s")


async def order_watches(env) -> int:
    return (await fetch(env, "SELECT count(*) AS n FROM watch.watches WHERE kind LIKE 'order_%'"))[0]["n"]


async def _equal(check, expected) -> bool:
    return await check() == expected
