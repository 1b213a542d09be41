"""The whole flow (demo/flow.py) survives a crash of any service and a restart of Kafka or
PostgreSQL in its middle: afterwards every event is on its topic exactly once, every note,
order, watch and e-mail exists exactly once, and nothing went to a dead-letter topic.

Each test plays the flow on its own stack (a fresh database and topic prefix), stops after a
step at which one part has work in flight, breaks that part, and plays on:

- a service is killed with SIGKILL and started again on the same port (the flow's URLs stay
  valid), at a moment it is relaying or consuming what the step caused;
- the broker is stopped while the order is sent and started again, and the database is
  restarted while the reminder is on its way (disruptive: only with OMSORG_DISRUPTIVE_TESTS=1,
  after every other test).

An outbox relay killed between publishing and marking a row publishes it again after the
restart: the same event (same id) twice on the topic, which each reader's inbox turns into one
effect. Events are therefore counted by id; a record repeated with the same id is allowed,
a second event for the same fact (a new id) is not.

A killed notify is down while the reminder comes due rather than killed at a random moment:
killed between sending a mail and marking it sent, it sends that mail once more (services/
notify/workers/sender.py), and one it had claimed but not sent waits out the claim's lease (120 s).

About 15 to 25 s for each service, 25 to 30 s for the broker, 25 s for the database.
"""
import asyncio
import signal
import time
from collections import Counter, defaultdict

import pytest

from shared.events.types import TOPICS
from tests.e2e.conftest import flow_on, stack_environment
from tests.integration.notify.helpers import MailCatcher
from tests.stack import SERVICES, eventually, read_topic, restart_infra, start_infra, start_services, stop_infra

# (service, the step after which it is killed): what it has in flight at that moment.
KILLS = [
    # investigation.completed and decision.made leaving its outbox; orders and watch reading them.
    ("registry", "decide"),
    # note.written leaving its outbox; the correction comes to the restarted journal.
    ("journal", "write_note"),
    # order.sent leaving its outbox; the redirect, confirmation and deliveries come after the restart.
    ("orders", "send_order"),
    # order.sent being read (arming the two-day timer); the clock is moved on the restarted watch.
    ("watch", "send_order"),
    # Down while the reminder comes due: watch.raised waits on the topic until notify is back.
    ("notify", "provider_ignores"),
]


async def events_by_id(env) -> tuple[Counter, Counter]:
    """Domain events by type, each id counted once; and by type, the records that repeated an id."""
    ids: dict[str, set] = defaultdict(set)
    records: Counter = Counter()
    for topic in TOPICS:
        if topic == "audit.access":
            continue
        for record in await read_topic(env.kafka_bootstrap, env.topic(topic), timeout=3):
            headers = dict(record.headers)
            kind = headers["ce_type"].decode()
            ids[kind].add(headers["ce_id"].decode())
            records[kind] += 1
    found = Counter({kind: len(seen) for kind, seen in ids.items()})
    return found, records - found


async def assert_everything_once(env, flow, catcher) -> Counter:
    """Events, dead letters, rows of every service and e-mails: each what the flow made, once.
    Returns the records published again with the same id, by type."""
    expected = flow.expected_events()

    async def settled():
        found, _ = await events_by_id(env)
        return found == expected
    await eventually(settled, timeout=30)
    found, repeated = await events_by_id(env)
    assert found == expected, f"missing: {expected - found}, extra: {found - expected}"
    if repeated:
        print(f"\npublished again with the same id (a relay killed before marking): {dict(repeated)}")
    for topic in TOPICS:
        dead = await read_topic(env.kafka_bootstrap, env.topic(f"{topic}.dlq"), timeout=1)
        assert dead == [], f"{topic}.dlq: {[(r.headers, r.value) for r in dead]}"

    s = flow.state
    conn = await env.db()
    try:
        count = conn.fetchval
        assert await count("SELECT count(*) FROM registry.cases WHERE person_id = $1", s.person_id) == 1
        assert await count("SELECT count(*) FROM registry.investigations WHERE case_id = $1", s.case_id) == 1
        assert await count("SELECT count(*) FROM registry.decisions WHERE case_id = $1", s.case_id) == 1
        # The note once, with both its versions.
        assert await count("SELECT count(*) FROM journal.cases WHERE case_id = $1", s.case_id) == 1
        assert await count("SELECT count(*) FROM journal.notes WHERE case_id = $1", s.case_id) == 1
        assert [r["version"] for r in await conn.fetch(
            "SELECT version FROM journal.note_versions WHERE note_id = $1 ORDER BY version", s.note["id"])] == [1, 2]
        # Orders knows the case and decision once; A recalled, B started, two deliveries.
        assert await count("SELECT count(*) FROM orders.cases WHERE case_id = $1", s.case_id) == 1
        assert await count("SELECT count(*) FROM orders.decisions WHERE decision_id = $1", s.decision_id) == 1
        orders = await conn.fetch("SELECT id::text, state FROM orders.orders WHERE case_id = $1 ORDER BY id",
                                  s.case_id)
        assert [(r["id"], r["state"]) for r in orders] == [(s.order_a["id"], "recalled"), (s.order_b["id"], "started")]
        assert await count("SELECT count(*) FROM orders.deliveries WHERE order_id = $1", s.order_b["id"]) == 2
        # One watch, on A's order, resolved by the recall; none on B's.
        watches = await conn.fetch("SELECT subject_id::text, kind, status FROM watch.watches WHERE case_id = $1",
                                   s.case_id)
        assert [tuple(r) for r in watches] == [(s.order_a["id"], "order_unconfirmed", "resolved")]
        # Notify: every delivery delivered once, one in-app notice.
        deliveries = await conn.fetch("SELECT template, channel, status FROM notify.deliveries"
                                      " WHERE order_id = ANY($1::uuid[])", [s.order_a["id"], s.order_b["id"]])
        assert sorted(tuple(r) for r in deliveries) == sorted([
            ("order_sent", "email", "delivered"), ("order_reminder", "email", "delivered"),
            ("watch_raised", "in_app", "delivered"), ("order_sent", "email", "delivered")]), deliveries
        assert await count("SELECT count(*) FROM notify.notifications WHERE recipient = 'user:anna'") == 1
    finally:
        await conn.close()

    await asyncio.sleep(1)  # a mail sent twice would arrive now
    a_mail = sorted(str(m["Subject"]) for m in catcher.to(s.provider_a["email"]))
    assert a_mail == sorted([f"Ny beställning ({s.order_a['id']})",
                             f"Påminnelse: obekräftad beställning ({s.order_a['id']})"])
    b_mail = [str(m["Subject"]) for m in catcher.to(s.provider_b["email"])]
    assert b_mail == [f"Ny beställning ({s.order_b['id']})"]
    assert len(catcher.messages) == 3, [str(m["Subject"]) for m in catcher.messages]
    return repeated


def steps(flow) -> str:
    return ", ".join(f"{d.step.name} {d.seconds:.1f}" for d in flow.done if d.seconds >= 0.5)


async def play(flow, procs, until: str | None = None) -> None:
    try:
        await flow.run(until=until)
    except Exception:
        for proc in procs.values():
            proc.dump_tasks()  # a quiet process shows where it waits
        await asyncio.sleep(1)
        for proc in procs.values():
            print(f"--- {proc.service}\n{proc.log_tail(30)}")
        raise


@pytest.mark.parametrize("service,after", KILLS, ids=[f"{s}-after-{step}" for s, step in KILLS])
async def test_a_killed_service_loses_and_repeats_nothing(env, service, after):
    started = time.monotonic()
    catcher = MailCatcher().start()
    try:
        procs = await start_services(env, **stack_environment(catcher))
        async with flow_on(env, procs, catcher) as flow:
            await play(flow, procs, until=after)
            victim = procs[service]
            victim.kill()  # SIGKILL, at once: what the step caused is still on its way
            assert victim.popen.returncode == -9
            victim.start()  # the same port, so the flow's URLs stay valid
            await victim.wait_ready()
            await play(flow, procs)
            await assert_everything_once(env, flow, catcher)
    finally:
        catcher.stop()
    print(f"\n{service} killed after {after}: {time.monotonic() - started:.1f} s; " + steps(flow))


async def test_a_relay_killed_between_publishing_and_marking_repeats_nothing(env):
    """Orders dies (SIGKILL, OMSORG_FAULT) right after order.sent reached the broker and before
    its outbox row was marked: the restarted relay publishes it again, and notify and watch,
    which read it twice, act once (one new-order mail, one timer, one reminder)."""
    started = time.monotonic()
    catcher = MailCatcher().start()
    try:
        extra = stack_environment(catcher)
        procs = {name: env.start(name, **extra, **(
            {"OMSORG_FAULT": "relay_after_publish:order.sent"} if name == "orders" else {})) for name in SERVICES}
        await asyncio.gather(*(p.wait_ready() for p in procs.values()))
        async with flow_on(env, procs, catcher) as flow:
            # The relay may publish, and die, before the answer to the send has left: the flow then
            # reads the order back once orders is up again.
            sending = asyncio.create_task(play(flow, procs, until="send_order"))
            orders = procs["orders"]
            assert await orders.wait_exit() == -signal.SIGKILL
            orders.extra_env = extra
            orders.start()
            await orders.wait_ready()
            await sending
            await play(flow, procs)
            repeated = await assert_everything_once(env, flow, catcher)
            assert repeated["order.sent"] == 1, f"order.sent should have been published twice: {repeated}"
    finally:
        catcher.stop()
    print(f"\norders killed between publishing and marking order.sent: {time.monotonic() - started:.1f} s; "
          + steps(flow))


def _stack_riding_out(catcher: MailCatcher) -> dict[str, str]:
    # Relays and the notify sender poll only every 60 s: what is written after a database
    # restart arrives in time only if they listen for NOTIFY again on fresh connections.
    return {**stack_environment(catcher), "OMSORG_RELAY_POLL_SECONDS": "60"}


def _flow_riding_out(env, procs, catcher):
    # Consumers may take tens of seconds to fetch again after a broker restart: the flow waits
    # up to 90 s for each outcome. A's order lying longer before the clock move gives B's order
    # as much more time before its own reminder would come due (see demo/flow.py); 8 s at least.
    return flow_on(env, procs, catcher, timeout=90, ignore_seconds=8)


@pytest.mark.disruptive
async def test_the_flow_rides_out_a_broker_restart(env):
    """The order is sent while the broker is down: order.sent waits in the outbox, then reaches
    notify (the new-order mail) and watch (the two-day timer) once the broker is back."""
    started = time.monotonic()
    catcher = MailCatcher().start()
    try:
        procs = await start_services(env, **_stack_riding_out(catcher))
        async with _flow_riding_out(env, procs, catcher) as flow:
            await play(flow, procs, until="draft_order")
            stop_infra("kafka")
            try:
                await play(flow, procs, until="send_order")
                await asyncio.sleep(2)  # the relay tries and fails meanwhile
            finally:
                start_infra("kafka")
            await _finish_after_restart(env, procs, flow, catcher)
    finally:
        catcher.stop()
    print(f"\nkafka down while the order was sent: {time.monotonic() - started:.1f} s; " + steps(flow))


async def _finish_after_restart(env, procs, flow, catcher) -> None:
    """Once every service is ready again, the rest of the flow, then count everything."""
    back = time.monotonic()
    await asyncio.gather(*(p.wait_ready(timeout=90) for p in procs.values()))
    print(f"\nevery service ready {time.monotonic() - back:.1f} s after the restart")
    await play(flow, procs)
    await assert_everything_once(env, flow, catcher)


@pytest.mark.disruptive
async def test_the_flow_rides_out_a_database_restart(env):
    """PostgreSQL restarts while watch.raised is on its way to notify (the reminder and the
    caseworker's notice); the rest of the flow runs on reconnected pools and listeners."""
    started = time.monotonic()
    catcher = MailCatcher().start()
    try:
        procs = await start_services(env, **_stack_riding_out(catcher))
        async with _flow_riding_out(env, procs, catcher) as flow:
            await play(flow, procs, until="two_days_later")
            restart_infra("postgres")
            await _finish_after_restart(env, procs, flow, catcher)
    finally:
        catcher.stop()
    print(f"\npostgres restarted after two_days_later: {time.monotonic() - started:.1f} s; " + steps(flow))
