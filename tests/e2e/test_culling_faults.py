"""A culling (gallring) survives a service killed with SIGKILL in its middle: afterwards every
service has culled the person exactly once, no table of any service holds the person's ids or
`person_ref`, and the registry holds exactly one confirmation from each service.

The person comes from the whole flow (demo/flow.py) played up to the watch on the unconfirmed
order: a case with a decision, a journal note in two versions, an order sent to a provider with its
e-mails and a watch raised and notified. The case is closed, and a second registry whose clock runs
at the day the person's file is due (from the first registry's dry run) approves the culling. Then
one consuming service is killed:

- the journal, from outside, right after the approval answered (the approval's event is on its way
  to it or being handled);
- the journal by itself (OMSORG_FAULT) inside the transaction of its culling: the notes deleted, the
  confirmation written, nothing committed; the restarted journal culls again from the start;
- orders by itself right after its confirmation reached the broker and before its outbox row was
  marked: the restarted relay publishes `orders.culled` again, and the registry and the watch,
  which read it twice, record it once.

About 40 s for each.
"""
import asyncio
import signal
import time
import uuid
from collections import Counter, defaultdict
from datetime import date, timedelta

import httpx
import pytest

import demo.flow
from shared.calendar import add_months
from tests import clock
from tests.e2e.conftest import flow_on, stack_environment
from tests.integration.notify.helpers import MailCatcher
from tests.pins import make_pin
from tests.stack import SERVICES, eventually, read_topic

SYSTEM_ADMIN = {"role": "object_specialist", "sub": "systemforvaltare"}
SCHEMAS = ("registry", "journal", "orders", "watch", "notify")
CONFIRMATIONS = {"notes.culled": "journal", "orders.culled": "orders", "watches.culled": "watch",
                 "notifications.culled": "notify"}
TOPICS = ("journal.events", "orders.events", "watch.events", "notify.events")

# Five services and a second registry starting side by side on a busy 2-core machine.
START_SECONDS = 180

# (service, OMSORG_FAULT or None: killed from outside right after the approval)
KILLS = [
    ("journal", None),
    ("journal", "consumer_before_commit:person.culling_approved"),
    ("orders", "relay_after_publish:orders.culled"),
]


def adult_pin() -> str:
    """An adult born on the 4th: not kept for research (born on the 5th, 15th or 25th)."""
    return make_pin(date(1971, 3, 4))


async def culled_everywhere(env, ids: set[uuid.UUID], person_ref: str) -> list[str]:
    """Every column of every service's tables that still holds one of `ids` (uuid columns) or the
    person's `person_ref` (text columns), as `schema.table.column`."""
    conn = await env.db()
    try:
        columns = await conn.fetch(
            "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns"
            " JOIN information_schema.tables USING (table_schema, table_name)"
            " WHERE table_schema = ANY($1::text[]) AND table_type = 'BASE TABLE'"
            "  AND (data_type = 'uuid' OR (data_type = 'text' AND column_name = 'person_ref'))", list(SCHEMAS))
        found = []
        for c in columns:
            name = f'"{c["table_schema"]}"."{c["table_name"]}"'
            if c["data_type"] == "uuid":
                held = await conn.fetchval(f'SELECT count(*) FROM {name} WHERE "{c["column_name"]}" = ANY($1::uuid[])',
                                           list(ids))
            else:
                held = await conn.fetchval(f'SELECT count(*) FROM {name} WHERE "{c["column_name"]}" = $1', person_ref)
            if held:
                found.append(f'{c["table_schema"]}.{c["table_name"]}.{c["column_name"]}')
        return found
    finally:
        await conn.close()


async def confirmations_on_topics(env, culling_id: str) -> tuple[Counter, Counter]:
    """The confirmations of the culling by type, each event id once; and the records repeating an id."""
    ids: dict[str, set] = defaultdict(set)
    records: Counter = Counter()
    for topic in TOPICS:
        for record in await read_topic(env.kafka_bootstrap, env.topic(topic), timeout=3):
            kind = dict(record.headers)["ce_type"].decode()
            if kind in CONFIRMATIONS and record.key.decode() == culling_id:
                ids[kind].add(dict(record.headers)["ce_id"].decode())
                records[kind] += 1
    found = Counter({kind: len(seen) for kind, seen in ids.items()})
    return found, records - found


@pytest.mark.parametrize("service,fault", KILLS,
                         ids=[f"{s}-{(f or 'killed-after-approval').split(':')[0]}" for s, f in KILLS])
async def test_a_service_killed_in_the_middle_of_a_culling_culls_and_confirms_exactly_once(env, monkeypatch,
                                                                                           service, fault):
    started = time.monotonic()
    monkeypatch.setattr(demo.flow, "random_pin", adult_pin)
    catcher = MailCatcher().start()
    try:
        extra = stack_environment(catcher)
        procs = {name: env.start(name, **extra) for name in SERVICES}
        await asyncio.gather(*(p.wait_ready(timeout=START_SECONDS) for p in procs.values()))
        async with flow_on(env, procs, catcher) as flow, \
                httpx.AsyncClient(base_url=procs["registry"].url, timeout=60) as registry:
            await flow.run(until="see_watch")
            s = flow.state
            closed = await registry.post(f"/cases/{s.case_id}/close", json={"reason": "Insatsen avslutad"},
                                         headers=flow.caseworker_auth())
            assert closed.status_code == 200, closed.text
            # What the person left in every service; notify's deliveries for the order (the order
            # mailed, the reminder and its notice) arrive after the watch is listed, so they are
            # waited for.
            async def holdings() -> tuple[dict, str | None]:
                conn = await env.db()
                try:
                    held = {
                        "notes": await conn.fetchval("SELECT count(*) FROM journal.notes WHERE case_id = $1",
                                                     uuid.UUID(s.case_id)),
                        "orders": await conn.fetchval("SELECT count(*) FROM orders.orders WHERE case_id = $1",
                                                      uuid.UUID(s.case_id)),
                        "watches": await conn.fetchval("SELECT count(*) FROM watch.watches WHERE case_id = $1",
                                                       uuid.UUID(s.case_id)),
                        "deliveries": await conn.fetchval("SELECT count(*) FROM notify.deliveries WHERE order_id = $1",
                                                          uuid.UUID(s.order_a["id"])),
                    }
                    person_ref = await conn.fetchval("SELECT person_ref FROM journal.cases WHERE case_id = $1",
                                                     uuid.UUID(s.case_id))
                finally:
                    await conn.close()
                return held, person_ref

            async def all_delivered():
                held, person_ref = await holdings()
                return (held, person_ref) if held["deliveries"] >= 3 else None
            held, person_ref = await eventually(all_delivered, timeout=60) or await holdings()
            assert held["notes"] == held["orders"] == held["watches"] == 1 and held["deliveries"] >= 3, held
            assert person_ref

            # Every service has taken in the closing (notify: the order's end) before the culling.
            async def closed_everywhere():
                conn = await env.db()
                try:
                    return all([await conn.fetchval(f"SELECT count(*) FROM {schema}.inbox WHERE type = $1", kind)
                                for schema, kind in (("journal", "case.closed"), ("orders", "case.closed"),
                                                     ("watch", "case.closed"), ("notify", "order.ended"))])
                finally:
                    await conn.close()
            assert await eventually(closed_everywhere, timeout=60), "the case's closing did not reach every service"

            # The day the person's file is due, by the registry's own dry run; a registry whose clock
            # runs a day after it approves.
            today = clock.today()
            planned = await registry.get("/retention/dry-run", headers=env.auth(**SYSTEM_ADMIN), params={
                "person_id": s.person_id, "on": add_months(today, 120).isoformat()})
            assert planned.status_code == 200, planned.text
            [item] = planned.json()["items"]
            assert item["status"] == "due", item
            due_on = date.fromisoformat(item["due_on"])
            offset = clock.OFFSET + (due_on + timedelta(days=1) - today)
            later = env.start("registry", **extra, OMSORG_CLOCK_OFFSET_SECONDS=f"{offset.total_seconds():.6f}")
            victim = procs[service]
            if fault:
                victim.kill()
                await victim.wait_exit()
                victim.extra_env = {**extra, "OMSORG_FAULT": fault}
                victim.start()
                await victim.wait_ready(timeout=START_SECONDS)
            await later.wait_ready(timeout=START_SECONDS)

            async with httpx.AsyncClient(base_url=later.url, timeout=60) as later_client:
                approved = await later_client.post(
                    "/retention/cullings", json={"rule_id": "personal_file", "person_ids": [s.person_id]},
                    headers={**env.auth(**SYSTEM_ADMIN), "Idempotency-Key": str(uuid.uuid4())})
                assert approved.status_code == 201, approved.text
                if fault is None:
                    victim.kill()  # SIGKILL, at once: the approval's event is on its way or being handled
                    assert victim.popen.returncode == -9
                else:
                    assert await victim.wait_exit(timeout=60) == -signal.SIGKILL, victim.log_tail(30)
                    victim.extra_env = extra
                victim.start()
                await victim.wait_ready(timeout=START_SECONDS)
                [culling] = approved.json()["items"]

                async def completed():
                    shown = await later_client.get(f"/retention/cullings/{culling['id']}",
                                                   headers=env.auth(**SYSTEM_ADMIN))
                    assert shown.status_code == 200, shown.text
                    return shown.json() if shown.json()["completed_at"] else None
                done = await eventually(completed, timeout=120)
                if not done:
                    shown = await later_client.get(f"/retention/cullings/{culling['id']}",
                                                   headers=env.auth(**SYSTEM_ADMIN))
                    pytest.fail(f"not every service confirmed: {shown.text}\n{victim.log_tail(30)}")
            counts = {c["service"]: c["counts"] for c in done["services"]}
            # Each service culled what it held, in one go: a culling redone after a crash counts all of it.
            assert counts["journal"]["notes"] == 1 and counts["journal"]["versions"] == 2, counts
            assert counts["orders"]["orders"] == 1, counts
            assert counts["watch"]["watches"] == 1, counts
            assert counts["notify"]["deliveries"] >= 3, counts

            culling_id = uuid.UUID(culling["id"])
            conn = await env.db()
            try:
                confirmed = await conn.fetch("SELECT service FROM registry.culling_confirmations WHERE culling_id = $1"
                                             " ORDER BY service", culling_id)
                carried_out = {schema: await conn.fetchval(f"SELECT count(*) FROM {schema}.cullings"
                                                           " WHERE culling_id = $1", culling_id)
                               for schema in ("journal", "orders", "watch", "notify")}
                handled = await conn.fetch("SELECT type, count(*) AS n FROM registry.inbox"
                                           " WHERE type = ANY($1::text[]) GROUP BY type", list(CONFIRMATIONS))
            finally:
                await conn.close()
            assert [r["service"] for r in confirmed] == sorted(SCHEMAS)
            assert carried_out == dict.fromkeys(carried_out, 1), carried_out
            assert {r["type"]: r["n"] for r in handled} == dict.fromkeys(CONFIRMATIONS, 1)
            found, repeated = await confirmations_on_topics(env, culling["id"])
            assert found == Counter(dict.fromkeys(CONFIRMATIONS, 1)), found
            if fault and fault.startswith("relay_after_publish"):
                assert repeated == Counter({"orders.culled": 1}), repeated  # published again, recorded once
            for topic in TOPICS + ("registry.events",):
                dead = await read_topic(env.kafka_bootstrap, env.topic(f"{topic}.dlq"), timeout=1)
                assert dead == [], f"{topic}.dlq: {[(r.headers, r.value) for r in dead]}"

            ids = {uuid.UUID(x) for x in (s.person_id, s.case_id, s.decision_id, s.note["id"], s.order_a["id"],
                                          s.watch["id"])}
            # The access log keeps that the culling was approved, by whom (docs/architecture.md, Culling).
            assert await culled_everywhere(env, ids, person_ref) == ["registry.access_log.person_id"]
            conn = await env.db()
            try:
                logged = await conn.fetch("SELECT action, actor, resource FROM registry.access_log WHERE person_id = $1",
                                          uuid.UUID(s.person_id))
            finally:
                await conn.close()
            assert [tuple(r) for r in logged] == [("cull", "systemforvaltare", "retention/cullings")], logged
            # Watch confirmed in time: no watch for support.
            async with httpx.AsyncClient(base_url=procs["watch"].url, timeout=60) as watch:
                listed = await watch.get("/watches", headers=env.auth("support", sub="stina"))
                assert listed.status_code == 200 and listed.json()["items"] == [], listed.text
    finally:
        catcher.stop()
    print(f"\n{service} killed ({fault or 'after the approval'}): {time.monotonic() - started:.1f} s")
