"""Timers are durable: a watch process killed between arming and firing (or in the middle
of firing) loses nothing and fires once; two replicas fire each timer once."""
import asyncio
import signal
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx

from tests import clock
from tests.stack import eventually
from tests.integration.watch.helpers import (Upstream, armed, fetch, fire_times, move_clock, order_sent, watch_events,
                                              watch_list)

SE = ZoneInfo("Europe/Stockholm")


async def _count(env, sql: str) -> int:
    return (await fetch(env, sql))[0]["n"]


async def test_restart_between_arming_and_firing_loses_nothing_and_fires_once(env):
    first = env.start("watch")
    await first.wait_ready()
    now = clock.now().astimezone(SE)
    sent = order_sent(sent_at=now)
    async with Upstream(env) as upstream:
        await upstream.send(sent, sent.order_id)
        assert await armed(env, sent.order_id, 2)
    first.kill(signal.SIGKILL)

    second = env.start("watch")
    await second.wait_ready()
    reminder = fire_times(sent)["order_reminder"] + timedelta(minutes=1)  # before the escalation
    assert (await move_clock(env, second, reminder))["fired"] == 1
    assert [w["kind"] for w in (await watch_list(env, second))["items"]] == ["order_unconfirmed"]
    events = await watch_events(env, at_least=1)
    assert [t for t, _ in events] == ["watch.raised"]
    assert await _count(env, "SELECT count(*) AS n FROM watch.timers") == 1  # the escalation, still armed


async def test_killed_while_firing_fires_once_after_the_restart(env):
    doomed = env.start("watch", OMSORG_FAULT="watch_fire_before_commit")
    await doomed.wait_ready()
    now = clock.now().astimezone(SE)
    sent = order_sent(sent_at=now)
    async with Upstream(env) as upstream:
        await upstream.send(sent, sent.order_id)
        assert await armed(env, sent.order_id, 2)
    reminder = fire_times(sent)["order_reminder"] + timedelta(minutes=1)  # before the escalation
    async with httpx.AsyncClient(base_url=doomed.url, timeout=60) as client:
        try:
            await client.post("/admin/clock", json={"now": reminder.isoformat()},
                              headers=env.auth("service"))
        except httpx.HTTPError:
            pass  # the process died inside the firing transaction
    assert await doomed.wait_exit() == -signal.SIGKILL
    assert await _count(env, "SELECT count(*) AS n FROM watch.watches") == 0
    assert await _count(env, "SELECT count(*) AS n FROM watch.timers") == 2  # rolled back: still armed

    again = env.start("watch")
    await again.wait_ready()
    assert (await move_clock(env, again, reminder))["fired"] == 1
    assert await _count(env, "SELECT count(*) AS n FROM watch.watches") == 1
    events = await watch_events(env, at_least=1)
    assert [t for t, _ in events] == ["watch.raised"]


async def test_two_replicas_fire_each_timer_once(env):
    small_batches = {"OMSORG_WATCH_BATCH_SIZE": "5"}
    a, b = env.start("watch", **small_batches), env.start("watch", **small_batches)
    await a.wait_ready()
    await b.wait_ready()
    now = clock.now().astimezone(SE)
    orders = [order_sent(sent_at=now, caseworker=f"cw{i % 7}") for i in range(300)]
    async with Upstream(env) as upstream:
        for sent in orders:
            await upstream.send(sent, sent.order_id, wait=False)
        await upstream.flush()

    async def all_armed():
        return await _count(env, "SELECT count(*) AS n FROM watch.timers") == 600
    assert await eventually(all_armed, timeout=120)

    later = fire_times(orders[0])["order_escalation"] + timedelta(minutes=1)
    fired_a, fired_b = await asyncio.gather(move_clock(env, a, later), move_clock(env, b, later))

    async def all_published():
        return await _count(env, "SELECT count(*) AS n FROM watch.outbox WHERE published_at IS NULL") == 0
    assert await eventually(all_published, timeout=120)
    assert await _count(env, "SELECT count(*) AS n FROM watch.timers") == 0
    rows = await fetch(env, "SELECT subject_id, kind, trigger_count FROM watch.watches")
    assert len(rows) == 600 and all(r["trigger_count"] == 1 for r in rows)
    assert Counter(r["kind"] for r in rows) == {"order_unconfirmed": 300, "order_escalated": 300}

    events = await watch_events(env, at_least=600, timeout=60)
    assert len(events) == 600, "each timer fired once: no event lost, none twice"
    assert len({d["watch_id"] for _, d in events}) == 600
    assert Counter(t for t, _ in events) == {"watch.raised": 300, "watch.escalated": 300}
    # Both replicas did part of the work, concurrently (SKIP LOCKED), without a double.
    assert fired_a["fired"] > 0 and fired_b["fired"] > 0, (fired_a, fired_b)
    assert fired_a["fired"] + fired_b["fired"] <= 600
