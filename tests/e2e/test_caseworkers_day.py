"""The caseworker's day across the registry and the watch, over HTTP on both real processes:
a case handed over in the registry moves its five open watches and its next reminder in the
watch, and a cover granted in the registry sees the absent caseworker's watches in the watch
for the period and not after."""
import uuid
from datetime import datetime, time, timedelta

import httpx

from shared.clock import SWEDEN
from tests import clock
from tests.integration.watch.helpers import armed, fetch, move_clock, watch_list
from tests.pins import register_person
from tests.stack import eventually

UNIT = "vuxen"
BASIS = "4 kap. 1 § socialtjänstlagen (2025:400)"


def sub(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:6]}"


async def mine(env, watch, who: str) -> list[dict]:
    return (await watch_list(env, watch, sub=who, unit=UNIT))["items"]


async def started(env, service: str):
    proc = env.start(service)
    await proc.wait_ready()
    return proc


async def test_a_handed_over_case_takes_its_watches_and_a_cover_sees_them_for_the_period(env):
    registry, watch = await started(env, "registry"), await started(env, "watch")
    anna, bertil, cecilia = sub("anna"), sub("bertil"), sub("cecilia")
    today = clock.today()
    async with httpx.AsyncClient(base_url=registry.url, timeout=30) as client:
        for who in (anna, bertil, cecilia):
            put = await client.put(f"/staff/{who}", headers=env.auth("support", "admin"), json={
                "name": who.split("-")[0].title(), "title": "Socialsekreterare", "unit": UNIT,
                "delegation_level": "caseworker", "active_from": "2024-01-01"})
            assert put.status_code == 201, put.text
        headers = env.auth("caseworker", sub=anna, unit=UNIT)
        person_id = await register_person(client, headers)
        case = (await client.post("/cases", json={"unit": UNIT, "kind": "SoL", "person_id": person_id},
                                  headers=headers)).json()
        investigation = (await client.post(f"/cases/{case['id']}/investigations", json={}, headers=headers)).json()
        # Five decisions with a follow-up in 20 days: each raises its notice 14 days before.
        decisions = []
        for n in range(5):
            made = await client.post(f"/cases/{case['id']}/decisions", headers=headers, json={
                "intervention": "home_help", "investigation_id": investigation["id"], "scope_amount": "10",
                "reasons": f"Behov av stöd, del {n + 1}.", "legal_basis": BASIS, "valid_from": today.isoformat(),
                "follow_up_on": (today + timedelta(days=20)).isoformat(),
                "communication": {"communicated": False, "not_communicated_reason": "bifall i sin helhet"}})
            assert made.status_code == 201 and made.json()["status"] == "in_force", made.text
            decisions.append(made.json()["id"])
        for decision_id in decisions:
            assert await armed(env, decision_id, 3)   # not carried out, follow-up notice, follow-up

        await move_clock(env, watch, datetime.combine(today + timedelta(days=7), time(9), SWEDEN))
        assert {w["subject_id"] for w in await mine(env, watch, anna)} == set(decisions)

        handed = await client.post(f"/cases/{case['id']}/reassignment", headers=env.auth("supervisor", "chef", unit=UNIT),
                                   json={"caseworker": bertil, "reason": "Anna går över till barn och unga"})
        assert handed.status_code == 200, handed.text

        async def moved():
            return {w["subject_id"] for w in await mine(env, watch, bertil)} == set(decisions)
        assert await eventually(moved, timeout=60)
        assert await mine(env, watch, anna) == []
        # The next reminder (three months without the decisions carried out) is bertil's too.
        rows = await fetch(env, "SELECT DISTINCT caseworker FROM watch.subjects WHERE id = ANY($1::uuid[])",
                           [uuid.UUID(d) for d in decisions])
        assert [r["caseworker"] for r in rows] == [bertil]

        # Bertil is away for a week: Cecilia covers for him, sees his watches then, and not after.
        first, last = today + timedelta(days=8), today + timedelta(days=14)
        granted = await client.post("/covers", headers=env.auth("supervisor", "chef", unit=UNIT), json={
            "absent": bertil, "cover": cecilia, "from_date": first.isoformat(), "to_date": last.isoformat()})
        assert granted.status_code == 201, granted.text

        async def known():
            rows = await fetch(env, "SELECT count(*) AS n FROM watch.covers WHERE absent = $1", bertil)
            return rows[0]["n"] == 1
        assert await eventually(known, timeout=60)
        assert await mine(env, watch, cecilia) == []
        await move_clock(env, watch, datetime.combine(first, time(8), SWEDEN))
        assert {w["subject_id"] for w in await mine(env, watch, cecilia)} == set(decisions)
        await move_clock(env, watch, datetime.combine(last + timedelta(days=1), time(8), SWEDEN))
        assert await mine(env, watch, cecilia) == []
        assert {w["subject_id"] for w in await mine(env, watch, bertil)} == set(decisions)
