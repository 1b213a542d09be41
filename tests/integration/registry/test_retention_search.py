"""The daily search for persons due for culling (gallring): a durable timer in the registry runs
the dry run's count once a day from 06:00 Swedish time and, when someone is due, publishes
`retention.due_found` (a count, no person); the watch raises a watch for the official named
(OMSORG_RETENTION_OFFICIAL) and the object specialists. A registry killed and started again the
same day does not search (nor tell) twice."""
import asyncio
import json
from datetime import date, timedelta

import httpx

from services.registry.domain.retention import search_moment
from shared.calendar import add_months
from tests import clock
from tests.integration.registry.test_cullings import SYSTEM_ADMIN, close, person_with_closed_case
from tests.stack import eventually, read_topic

OFFICIAL = "systemforvaltare"
START_SECONDS = 180  # a busy 2-core machine


def offset_at(moment) -> str:
    """OMSORG_CLOCK_OFFSET_SECONDS for a service whose clock reads `moment` now."""
    return f"{(clock.OFFSET + (moment - clock.now())).total_seconds():.6f}"


async def searches(env) -> list[tuple[date, int]]:
    conn = await env.db()
    try:
        return [tuple(r) for r in await conn.fetch("SELECT day, due FROM registry.retention_searches ORDER BY day")]
    finally:
        await conn.close()


async def due_found(env) -> list[dict]:
    records = await read_topic(env.kafka_bootstrap, env.topic("registry.events"), timeout=3)
    return [json.loads(r.value) for r in records if dict(r.headers)["ce_type"] == b"retention.due_found"]


async def test_the_daily_search_tells_the_official_once_a_day_when_someone_is_due(env):
    search = {"OMSORG_RETENTION_OFFICIAL": OFFICIAL, "OMSORG_RETENTION_SEARCH_POLL_SECONDS": "0.5"}
    registry, watch = env.start("registry", **search), env.start("watch")
    await registry.wait_ready(timeout=START_SECONDS)
    await watch.wait_ready(timeout=START_SECONDS)
    async with httpx.AsyncClient(base_url=registry.url, timeout=60) as client:
        person_id, case_id = await person_with_closed_case(env, client)
        await close(env, client, case_id)
        planned = await client.get("/retention/dry-run", headers=env.auth(**SYSTEM_ADMIN),
                                   params={"person_id": person_id, "on": add_months(clock.today(), 120).isoformat()})
        assert planned.status_code == 200, planned.text
        [item] = planned.json()["items"]
    day = date.fromisoformat(item["due_on"]) + timedelta(days=1)
    # Today nobody is due: a search today (from 06:00) finds no one and tells no one.
    assert all(due == 0 for _, due in await searches(env))

    # A registry whose clock reads 06:00:20 on a day the person is due.
    later = env.start("registry", **search, OMSORG_CLOCK_OFFSET_SECONDS=offset_at(
        search_moment(day) + timedelta(seconds=20)))
    await later.wait_ready(timeout=START_SECONDS)

    async def searched():
        return (day, 1) in await searches(env)
    assert await eventually(searched, timeout=30), await searches(env)
    [found] = [e for e in await due_found(env) if e["day"] == day.isoformat()]
    assert (found["due"], found["official"]) == (1, OFFICIAL)
    assert set(found) == {"day", "due", "official", "searched_at"}, "the event names no person"

    async def raised():
        conn = await env.db()
        try:
            return await conn.fetchrow("SELECT * FROM watch.watches WHERE kind = 'culling_due'")
        finally:
            await conn.close()
    watch_row = await eventually(raised, timeout=30)
    assert watch_row, "the watch raised nothing"
    details = json.loads(watch_row["details"]) if isinstance(watch_row["details"], str) else watch_row["details"]
    assert (watch_row["assignee"], watch_row["role"], watch_row["due_on"], details) == (
        OFFICIAL, "object_specialist", day, {"day": day.isoformat(), "due": 1})
    async with httpx.AsyncClient(base_url=watch.url, timeout=60) as client:
        for sub in (OFFICIAL, "olle"):  # the official, and any object specialist
            listed = await client.get("/watches", headers=env.auth("object_specialist", sub=sub))
            assert listed.status_code == 200, listed.text
            assert [w["kind"] for w in listed.json()["items"]] == ["culling_due"]
        mine = await client.get("/watches", headers=env.auth("caseworker", unit="vuxen"))
        assert mine.json()["items"] == []

    # Killed and started again the same day: the day's search is not run again.
    later.kill()
    later.start()
    await later.wait_ready(timeout=START_SECONDS)
    await asyncio.sleep(3)  # several rounds of the restarted worker
    assert [s for s in await searches(env) if s[0] == day] == [(day, 1)]
    assert len([e for e in await due_found(env) if e["day"] == day.isoformat()]) == 1
