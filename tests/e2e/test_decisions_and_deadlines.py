"""Decisions, deadlines and the report to IVO as the law reads them (docs/law.md), over HTTP on
the real registry and watch, with their clocks set to chosen Swedish days:

- an adult's investigation arms no four-month watch, a child's does, and an extension moves it;
- a statutory deadline that ends on julafton falls due on the next working day;
- a report about a child gets a protection assessment the same day, recorded by who and when;
- a decision without reasons, or with an intervention outside the catalogue, is 422;
- an in-house decision recorded as carried out leaves the report, an interrupted one enters it
  after three months; the CSV and the council's numbers by gender hold the same lines;
- the decision letter (PDF) holds the reasons and the appeal text."""
import csv
import io
import uuid
from datetime import date, datetime, time

import httpx
import pytest
from pypdf import PdfReader

from shared.clock import SWEDEN
from tests.integration.watch.helpers import armed, fetch
from tests.pins import child_pin, make_pin, register_person
from tests.stack import eventually

UNIT = "barn-och-unga"
LEGAL_BASIS = "4 kap. 1 § socialtjänstlagen (2025:400)"


def at(day: date, hour: int = 10) -> dict[str, str]:
    """The environment that sets a service's clock to `hour` o'clock in Stockholm on `day`."""
    moment = datetime.combine(day, time(hour), SWEDEN)
    return {"OMSORG_CLOCK_OFFSET_SECONDS": f"{(moment - datetime.now(SWEDEN)).total_seconds():.3f}"}


async def started(env, service: str, day: date):
    proc = env.start(service, **at(day))
    await proc.wait_ready()
    return proc


def communicated(day: date) -> dict:
    return {"communicated": True, "communicated_on": day.isoformat(), "method": "letter"}


async def case_with_investigation(client, headers, pin: str) -> tuple[str, dict]:
    person_id = await register_person(client, headers, pin=pin)
    case = await client.post("/cases", json={"unit": UNIT, "kind": "SoL", "person_id": person_id}, headers=headers)
    assert case.status_code == 201, case.text
    investigation = await client.post(f"/cases/{case.json()['id']}/investigations", json={}, headers=headers)
    assert investigation.status_code == 201, investigation.text
    return case.json()["id"], investigation.json()


async def timers_of(env, subject_id) -> list[tuple[str, date]]:
    rows = await fetch(env, "SELECT rule, due_on FROM watch.timers WHERE subject_id = $1::uuid ORDER BY rule",
                       str(subject_id))
    return [(r["rule"], r["due_on"]) for r in rows]


async def test_deadlines_as_the_law_sets_them(env):
    day = date(2026, 8, 24)   # four months later is julafton 2026
    registry, _watch = await started(env, "registry", day), await started(env, "watch", day)
    headers = env.auth("caseworker", unit=UNIT)
    async with httpx.AsyncClient(base_url=registry.url, timeout=30) as client:
        adult_case, adult = await case_with_investigation(client, headers, make_pin(date(1970, 5, 5)))
        child_case, child = await case_with_investigation(client, headers, child_pin())
        assert adult["due_on"] is None
        # 24 December + juldagen, annandag jul and a Sunday: Monday 28 December (lag 1930:173, 2 §).
        assert child["due_on"] == "2026-12-28"
        assert await armed(env, child["id"], 1)
        assert await timers_of(env, child["id"]) == [("investigation", date(2026, 12, 28))]

        # The adult's event reached the watch too (its inbox) and armed nothing.
        async def adult_seen():
            rows = await fetch(env, "SELECT count(*) AS n FROM watch.inbox WHERE type = 'investigation.started'")
            return rows[0]["n"] >= 2
        assert await eventually(adult_seen, timeout=60)
        assert await timers_of(env, adult["id"]) == []

        # An extension for särskilda skäl moves the due date and the watch's timer, with the reason kept.
        path = f"/cases/{child_case}/investigations/{child['id']}/extensions"
        for body, code in (({"due_on": "2026-12-01", "reason": "x"}, "extension_not_later"),
                           ({"due_on": "2027-02-26"}, "validation_error")):
            refused = await client.post(path, json=body, headers=headers)
            assert refused.status_code == 422 and refused.json()["code"] == code, refused.text
        extended = await client.post(path, json={"due_on": "2027-02-26", "reason": "Väntar på polisförhör"},
                                     headers=headers)
        assert extended.status_code == 201 and extended.json()["due_on"] == "2027-02-26", extended.text
        history = (await client.get(path, headers=headers)).json()["items"]
        assert [(h["previous_due_on"], h["due_on"], h["reason"]) for h in history] == [
            ("2026-12-28", "2027-02-26", "Väntar på polisförhör")]
        adult_extension = await client.post(f"/cases/{adult_case}/investigations/{adult['id']}/extensions",
                                            json={"due_on": "2027-02-26", "reason": "x"}, headers=headers)
        assert adult_extension.status_code == 409 and adult_extension.json()["code"] == "no_statutory_deadline"

        async def moved():
            return await timers_of(env, child["id"]) == [("investigation", date(2027, 2, 26))]
        assert await eventually(moved, timeout=60)

        # The child is placed in a family home: the care is reviewed every six months.
        placed = await client.post(f"/cases/{child_case}/decisions", headers=headers, json={
            "intervention": "family_home_placement", "reasons": "Barnet behöver vård utanför hemmet.",
            "legal_basis": "6 kap. socialtjänstlagen (2025:400)", "valid_from": day.isoformat(),
            "communication": communicated(day)})
        assert placed.status_code == 201, placed.text
        assert await armed(env, placed.json()["id"], 7)
        reviews = sorted(due for rule, due in await timers_of(env, placed.json()["id"]) if rule == "placement_review")
        assert reviews[:2] == [date(2027, 2, 24), date(2027, 8, 24)] and len(reviews) == 6

        # A report about a child: the initial assessment is due in 14 days, the protection assessment the
        # same day (armed at once); it is recorded by whom and when from the token and the clock.
        child_id = await register_person(client, headers, pin=child_pin(5))
        report = await client.post("/inquiries", headers=headers, json={
            "kind": "report_of_concern", "person_id": child_id, "unit": UNIT, "received_on": "2026-08-24"})
        assert report.status_code == 201, report.text
        assert (report.json()["assessment_due_on"], report.json()["protection_due_on"]) == ("2026-09-07", "2026-08-24")
        # The protection assessment is due today and raised at once (its timer may already have fired).
        async def protection_watch():
            rows = await fetch(env, "SELECT due_on FROM watch.watches WHERE subject_id = $1::uuid AND kind = $2",
                               report.json()["id"], "protection_assessment_due")
            return [r["due_on"] for r in rows]
        assert await eventually(protection_watch, timeout=60) == [date(2026, 8, 24)]
        assert await timers_of(env, report.json()["id"]) == [("assessment", date(2026, 9, 7))]
        protected = await client.post(f"/inquiries/{report.json()['id']}/protection-assessment", headers=headers,
                                      json={"protection_needed": False, "reasons": "Barnet är i säkerhet hos mormor"})
        assert protected.status_code == 200, protected.text
        recorded = protected.json()
        assert recorded["protection_assessed_by"] == "anna" and recorded["protection_needed"] is False
        assert datetime.fromisoformat(recorded["protection_assessed_at"]).astimezone(SWEDEN).date() == day
        again = await client.post(f"/inquiries/{report.json()['id']}/protection-assessment", headers=headers,
                                  json={"protection_needed": True, "reasons": "x"})
        assert again.status_code == 409 and again.json()["code"] == "already_assessed"


async def test_a_deadline_on_julafton_falls_due_on_the_next_working_day(env):
    registry = await started(env, "registry", date(2026, 12, 10))
    headers = env.auth("caseworker", unit=UNIT)
    async with httpx.AsyncClient(base_url=registry.url, timeout=30) as client:
        child_id = await register_person(client, headers, pin=child_pin())
        report = await client.post("/inquiries", headers=headers, json={
            "kind": "report_of_concern", "person_id": child_id, "unit": UNIT, "received_on": "2026-12-10"})
        assert report.status_code == 201, report.text
        assert report.json()["assessment_due_on"] == "2026-12-28"


def decision(day: date, **fields) -> dict:
    return {"intervention": "home_help", "reasons": "Karin behöver hjälp med inköp och städning.",
            "legal_basis": LEGAL_BASIS, "valid_from": day.isoformat(), "communication": communicated(day), **fields}


async def test_decisions_with_content_carrying_out_and_the_report_to_ivo(env):
    day = date(2026, 1, 12)
    registry, watch = await started(env, "registry", day), await started(env, "watch", day)
    headers = env.auth("caseworker", unit=UNIT)
    async with httpx.AsyncClient(base_url=registry.url, timeout=30) as client:
        case_id, investigation = await case_with_investigation(client, headers, make_pin(date(1938, 4, 2)))
        url = f"/cases/{case_id}/decisions"
        for body, code in ((decision(day, reasons=None), "reasons_missing"),
                           (decision(day, reasons="   "), "reasons_missing"),
                           (decision(day, legal_basis=None), "legal_basis_missing"),
                           (decision(day, intervention="hemtjänst"), "unknown_intervention")):
            refused = await client.post(url, json=body, headers=headers)
            assert refused.status_code == 422 and refused.json()["code"] == code, refused.text
            assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["catalogue"] == "/interventions"
        catalogue = (await client.get("/interventions", headers=headers)).json()
        assert {"home_help", "structured_outpatient_care", "personal_assistance"} <= {i["code"] for i in catalogue}

        made = {}
        for name, intervention in (("ordered", "home_help"), ("in_house", "structured_outpatient_care"),
                                   ("interrupted", "family_counselling_support")):
            response = await client.post(url, headers=headers, json=decision(
                day, intervention=intervention, investigation_id=investigation["id"], scope_amount="10"))
            assert response.status_code == 201, response.text
            made[name] = response.json()
        assert made["ordered"]["appeal_instructions"] is None and made["ordered"]["reasons"].startswith("Karin")
        rejected = await client.post(url, headers=headers, json=decision(
            day, outcome="rejected", investigation_id=investigation["id"],
            reasons="Behovet tillgodoses på annat sätt: Karins son hjälper henne varje vecka."))
        assert rejected.status_code == 201, rejected.text
        assert "förvaltningsrätten" in rejected.json()["appeal_instructions"]

        # Carried out in-house on the day, and another interrupted the same day and not resumed.
        for name in ("in_house", "interrupted"):
            done = await client.post(f"{url}/{made[name]['id']}/execution", headers=headers,
                                     json={"method": "in_house", "executed_on": day.isoformat()})
            assert done.status_code == 200 and done.json()["executed_on"] == day.isoformat(), done.text
        twice = await client.post(f"{url}/{made['in_house']['id']}/execution", headers=headers,
                                  json={"method": "in_house", "executed_on": day.isoformat()})
        assert twice.status_code == 409 and twice.json()["code"] == "already_executed"
        paused = await client.post(f"{url}/{made['interrupted']['id']}/interruption", headers=headers,
                                   json={"interrupted_on": day.isoformat(), "reason_code": "hospital_stay"})
        assert paused.status_code == 200 and paused.json()["interrupted_on"] == day.isoformat(), paused.text
        waiting = await client.post(f"{url}/{made['ordered']['id']}/delay-reasons", headers=headers,
                                    json={"code": "declined_offer", "declined_offer_on": day.isoformat()})
        assert waiting.status_code == 200, waiting.text

        # The letter: the person, the decision, its reasons, the legal basis and how to appeal.
        letter = await client.get(f"{url}/{rejected.json()['id']}/letter", headers=headers)
        assert letter.status_code == 200 and letter.headers["content-type"] == "application/pdf"
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(letter.content)).pages)
        flat = " ".join(text.split())
        assert "Avslag" in flat and "Karins son hjälper henne varje vecka" in flat and LEGAL_BASIS in flat
        assert "förvaltningsrätten" in flat and "tre veckor" in flat

    # The watch keeps what the report needs; three months on (the second quarter), the decision not
    # carried out and the interruption are reported, the in-house one carried out in time is not.
    async def recorded():
        rows = await fetch(env, "SELECT count(*) AS n FROM watch.decisions WHERE unit = $1 AND decided_on IS NOT NULL"
                                " AND (interrupted_on IS NOT NULL OR executed_on IS NOT NULL"
                                "      OR delay_reasons <> '[]'::jsonb)", UNIT)
        return rows[0]["n"] == 3
    assert await eventually(recorded, timeout=60)
    boss = env.auth("supervisor", sub="greta", unit=UNIT)
    async with httpx.AsyncClient(base_url=watch.url, timeout=30) as client:
        q2 = (await client.get("/reports/unexecuted-decisions", params={"quarter": "2026-Q2"}, headers=boss)).json()
        lines = {line["decision_id"]: line for line in q2["items"]}
        assert {k: v["status"] for k, v in lines.items()} == {made["ordered"]["id"]: "not_executed",
                                                              made["interrupted"]["id"]: "interrupted"}
        ordered = lines[made["ordered"]["id"]]
        assert (ordered["law"], ordered["ivo_category"], ordered["gender"], ordered["birth_year"]) == (
            "SoL", "Hemtjänst", made_gender(ordered), 1938)
        assert ordered["delay_reasons"] == [{"code": "declined_offer", "declined_offer_on": day.isoformat()}]
        assert lines[made["interrupted"]["id"]]["interrupted_on"] == day.isoformat()
        q1 = (await client.get("/reports/unexecuted-decisions", params={"quarter": "2026-Q1"}, headers=boss)).json()
        assert q1["items"] == []   # three months have not passed by 31 March

        as_csv = await client.get("/reports/unexecuted-decisions.csv", params={"quarter": "2026-Q2"}, headers=boss)
        assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig")), delimiter=";"))
        assert {r["beslut_id"]: r["status"] for r in rows} == {k: v["status"] for k, v in lines.items()}
        assert {r["lag"] for r in rows} == {"SoL"} and {r["fodelsear"] for r in rows} == {"1938"}

        summary = (await client.get("/reports/unexecuted-decisions/summary", params={"quarter": "2026-Q2"},
                                    headers=boss)).json()
        assert sorted((s["law"], s["status"], s["count"]) for s in summary["items"]) == [
            ("SoL", "interrupted", 1), ("SoL", "not_executed", 1)]
        assert {s["gender"] for s in summary["items"]} == {ordered["gender"]}
        lss = (await client.get("/reports/unexecuted-decisions", params={"quarter": "2026-Q2", "law": "LSS"},
                                headers=boss)).json()
        assert lss["items"] == []


def made_gender(line: dict) -> str:
    assert line["gender"] in ("female", "male")
    return line["gender"]


@pytest.mark.parametrize("intervention", ["structured_outpatient_care", "financial_assistance"])
async def test_orders_refuses_an_intervention_not_ordered_from_a_provider(env, intervention):
    orders = env.start("orders")
    await orders.wait_ready()
    async with httpx.AsyncClient(base_url=orders.url, timeout=30) as client:
        response = await client.post("/orders", headers=env.auth("caseworker", unit=UNIT), json={
            "case_id": str(uuid.uuid4()), "decision_id": str(uuid.uuid4()), "provider_id": str(uuid.uuid4()),
            "intervention": intervention, "details": "x", "wanted_start": "2026-01-12"})
        assert response.status_code == 422 and response.json()["code"] == "intervention_not_ordered", response.text
        unknown = await client.post("/orders", headers=env.auth("caseworker", unit=UNIT), json={
            "case_id": str(uuid.uuid4()), "decision_id": str(uuid.uuid4()), "provider_id": str(uuid.uuid4()),
            "intervention": "hemtjanst", "details": "x", "wanted_start": "2026-01-12"})
        assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_intervention", unknown.text
