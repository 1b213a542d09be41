"""Every legal date is a Swedish date: just after midnight in Stockholm (still yesterday in UTC),
socialjouren's report is accepted and dated that day, and so are the case and the decision."""
from datetime import datetime, time, timedelta, timezone

import httpx

from shared.clock import SWEDEN
from tests import clock
from tests.pins import child_pin, register_person
from tests.integration.registry.test_cases import decision

UNIT = "barn-och-unga"


async def test_a_report_at_half_past_midnight_in_stockholm_is_dated_that_day(env):
    night = datetime.combine(clock.today() + timedelta(days=1), time(0, 30), SWEDEN)
    assert night.astimezone(timezone.utc).date() < night.date()
    proc = env.start("registry", OMSORG_CLOCK_OFFSET_SECONDS=str((night - datetime.now(timezone.utc)).total_seconds()))
    await proc.wait_ready()
    headers = env.auth("caseworker", unit=UNIT)
    async with httpx.AsyncClient(base_url=proc.url, timeout=30) as client:
        person_id = await register_person(client, headers, pin=child_pin())
        report = await client.post("/inquiries", headers=headers, json={
            "kind": "report_of_concern", "person_id": person_id, "unit": UNIT,
            "summary": "Polisen ringde socialjouren", "received_on": night.date().isoformat()})
        assert report.status_code == 201, report.text
        assert report.json()["received_on"] == night.date().isoformat()

        case = await client.post("/cases", json={"unit": UNIT, "kind": "SoL", "person_id": person_id}, headers=headers)
        assert case.status_code == 201 and case.json()["opened_on"] == night.date().isoformat()
        case_id = case.json()["id"]
        investigation = await client.post(f"/cases/{case_id}/investigations", json={}, headers=headers)
        assert investigation.json()["started_on"] == night.date().isoformat()
        made = await client.post(f"/cases/{case_id}/decisions", headers=headers, json=decision(
            valid_from=night.date().isoformat(),
            communication={"communicated": True, "communicated_on": night.date().isoformat(), "method": "letter"}))
        assert made.status_code == 201, made.text
        assert made.json()["decided_on"] == night.date().isoformat()
