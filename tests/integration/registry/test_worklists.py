"""The caseworker's day on the real registry: the intake queue, my cases and the unit's, a
person's decisions in force, the unit overview; each page logged per person it shows."""
import asyncio
import uuid
from datetime import date, timedelta

from shared.pagination import encode_cursor
from tests import clock
from tests.integration.registry.conftest import filed_by
from tests.integration.registry.test_cases import decision, open_case
from tests.integration.registry.test_import import csv_of
from tests.pins import child_pin, make_pin, register_person
from tests.stack import eventually


def unit() -> str:
    return f"dag-{uuid.uuid4().hex[:6]}"


async def record(client, env, u, *, kind="report_of_concern", child=True, days_ago=0, sub="anna"):
    headers = env.auth("caseworker", sub=sub, unit=u)
    person_id = await register_person(client, headers, **({"pin": child_pin()} if child else {}))
    response = await client.post("/inquiries", json={
        "kind": kind, "person_id": person_id, "unit": u,
        "received_on": (clock.today() - timedelta(days=days_ago)).isoformat()}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def old_case(client, env, u, *, days_ago: int, caseworker: str = "anna", child: bool = True) -> dict:
    """A case opened `days_ago` (from the old system, the one way to open a case in the past), with
    `caseworker` made responsible by the unit's supervisor."""
    row = {"pin": child_pin() if child else make_pin(), "first_name": "Per", "last_name": "Ek", "unit": u,
           "kind": "SoL", "status": "open", "opened_on": (clock.today() - timedelta(days=days_ago)).isoformat(),
           "ref": f"old-{uuid.uuid4().hex}"}
    imported = await client.post("/imports", content=csv_of([row]),
                                 headers={**env.auth("support"), "Content-Type": "text/csv"})
    assert imported.status_code == 200, imported.text
    case_id = imported.json()["results"][0]["case_id"]
    moved = await client.post(f"/cases/{case_id}/reassignment", json={"caseworker": caseworker, "reason": "Ny"},
                              headers=env.auth("supervisor", sub="chef", unit=u))
    assert moved.status_code == 200, moved.text
    return moved.json()


async def investigate(client, env, case: dict, *, days_ago: int) -> dict:
    started = await client.post(f"/cases/{case['id']}/investigations",
                                json={"started_on": (clock.today() - timedelta(days=days_ago)).isoformat()},
                                headers=env.auth("caseworker", sub=case["caseworker"], unit=case["unit"]))
    assert started.status_code == 201, started.text
    return started.json()


async def pages(client, path, headers, **params):
    """Every item of the list, a page of 2 at a time."""
    items, cursor = [], None
    while True:
        response = await client.get(path, params={**params, "limit": 2, **({"cursor": cursor} if cursor else {})},
                                    headers=headers)
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return items


async def test_the_intake_queue_lists_child_reports_first_by_their_deadline(registry):
    env, client = registry
    u = unit()
    adult_old = await record(client, env, u, kind="application", child=False, days_ago=30)
    child_late = await record(client, env, u, days_ago=20)       # assessment due 6 days ago: overdue
    child_new = await record(client, env, u, days_ago=0)
    adult_new = await record(client, env, u, kind="other_information", child=False, days_ago=2)
    child_mid = await record(client, env, u, days_ago=5)
    assessed = await record(client, env, u, days_ago=3)
    headers = env.auth("caseworker", unit=u)
    done = await client.post(f"/inquiries/{assessed['id']}/assessment",
                             json={"outcome": "no_investigation", "reasons": "Ingen oro"}, headers=headers)
    assert done.status_code == 200, done.text

    items = await pages(client, "/worklists/intake", headers, unit=u)
    assert [i["id"] for i in items] == [child_late["id"], child_mid["id"], child_new["id"],
                                        adult_old["id"], adult_new["id"]]
    first = items[0]
    assert first["assessment_due_on"] == child_late["assessment_due_on"]
    assert first["protection_due_on"] == child_late["protection_due_on"]
    assert first["overdue"] is True and first["caseworker"] == "anna" and first["kind"] == "report_of_concern"
    assert items[3]["assessment_due_on"] is None and items[3]["overdue"] is False
    # The default unit is the token's; a kind filter keeps the order.
    only = (await client.get("/worklists/intake", params={"kind": "application"}, headers=headers)).json()
    assert [i["id"] for i in only["items"]] == [adult_old["id"]] and only["unit"] == u
    # Another unit's queue: 403 as for any unit the user names outside theirs.
    other = await client.get("/worklists/intake", params={"unit": u}, headers=env.auth("caseworker", unit="annan"))
    assert other.status_code == 403 and other.json()["code"] == "other_unit"
    forbidden = await client.get("/worklists/intake", params={"unit": u}, headers=env.auth("family_law"))
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"


async def test_my_cases_and_the_units_cases_by_the_deadline_at_risk(registry):
    env, client = registry
    u = unit()
    anna = env.auth("caseworker", sub="anna", unit=u)
    no_investigation = await open_case(client, env, unit=u)                  # anna's, no deadline
    adult = await open_case(client, env, unit=u)                             # anna's, adult: no deadline
    assert (await client.post(f"/cases/{adult['id']}/investigations", json={}, headers=anna)).status_code == 201
    child = await old_case(client, env, u, days_ago=30)                      # anna's, due in about 3 months
    started = await investigate(client, env, child, days_ago=20)
    bertils = await old_case(client, env, u, days_ago=60, caseworker="bertil")   # due in about 2 months
    await investigate(client, env, bertils, days_ago=50)
    closed = await open_case(client, env, unit=u)
    assert (await client.post(f"/cases/{closed['id']}/close", json={"reason": "Klart"}, headers=anna)).status_code == 200

    mine = await pages(client, "/worklists/cases", anna, scope="mine", status="open")
    # The one with a deadline first, then those without by opened_on (both today) and id.
    without = sorted([no_investigation["id"], adult["id"]])
    assert [c["id"] for c in mine] == [child["id"], *without]
    assert mine[0]["investigation_due_on"] == started["due_on"]
    assert mine[0]["ongoing_investigation_id"] == started["id"]
    assert {c["caseworker"] for c in mine} == {"anna"}

    whole = await pages(client, "/worklists/cases", anna, scope="unit")
    assert [c["id"] for c in whole] == [bertils["id"], child["id"], *without]
    one = await pages(client, "/worklists/cases", anna, scope="unit", caseworker="bertil")
    assert [c["id"] for c in one] == [bertils["id"]]

    # Completing the investigation takes the deadline off the case.
    done = await client.post(f"/cases/{child['id']}/investigations/{started['id']}/completion", headers=anna)
    assert done.status_code == 200, done.text
    after = await pages(client, "/worklists/cases", anna, scope="mine")
    assert [c["id"] for c in after] == [child["id"], *without]   # opened 30 days ago, before the others
    assert all(c["investigation_due_on"] is None for c in after)

    bad = await client.get("/worklists/cases", params={"status": "closed"}, headers=anna)
    assert bad.status_code == 422
    other = await client.get("/worklists/cases", params={"scope": "unit", "unit": u},
                             headers=env.auth("supervisor", unit="annan"))
    assert other.status_code == 403 and other.json()["code"] == "other_unit"


async def test_decisions_in_force_today_not_lapsed_not_future_not_removed(registry):
    env, client = registry
    u = unit()
    headers = env.auth("caseworker", unit=u)
    person_id = await register_person(client, headers)
    today = clock.today()

    async def decided(**validity):
        case = await open_case(client, env, unit=u, person_id=person_id)
        assert (await client.post(f"/cases/{case['id']}/investigations", json={}, headers=headers)).status_code == 201
        made = await client.post(f"/cases/{case['id']}/decisions", json=decision(follow_up_on=None, **validity),
                                 headers=headers)
        assert made.status_code == 201, made.text
        return case, made.json()

    _, in_force = await decided(valid_from=(today - timedelta(days=30)).isoformat(), valid_to=today.isoformat())
    _, open_ended = await decided(valid_from=today.isoformat(), valid_to=None)
    await decided(valid_from=(today - timedelta(days=30)).isoformat(),
                  valid_to=(today - timedelta(days=1)).isoformat())                                # lapsed
    await decided(valid_from=(today + timedelta(days=1)).isoformat(), valid_to=None)            # future
    await decided(valid_from=today.isoformat(), outcome="rejected",
                  reasons="Behovet kan tillgodoses på annat sätt.")                                # rejection
    removed_case, _ = await decided(valid_from=today.isoformat())
    assert (await client.post(f"/cases/{removed_case['id']}/removal", json={"reason": "Fel person"},
                              headers=env.auth("support"))).status_code == 200

    found = await pages(client, f"/persons/{person_id}/decisions-in-force", headers)
    assert [d["id"] for d in found] == [in_force["id"], open_ended["id"]]
    assert found[0]["intervention"] == "home_help" and found[0]["intervention_name"] == "Hemtjänst"
    assert found[0]["valid_to"] == today.isoformat() and found[1]["valid_to"] is None
    assert found[0]["scope_unit"] == in_force["scope_unit"]
    # Another unit's caseworker reads none of them; family law reads every unit's.
    other = await client.get(f"/persons/{person_id}/decisions-in-force", headers=env.auth("caseworker", unit="annan"))
    assert other.status_code == 200 and other.json()["items"] == []
    wide = await client.get(f"/persons/{person_id}/decisions-in-force", headers=env.auth("family_law"))
    assert len(wide.json()["items"]) == 2
    nobody_id = uuid.uuid4()
    nobody = await client.get(f"/persons/{nobody_id}/decisions-in-force", headers=headers)
    assert nobody.status_code == 404 and nobody.json()["code"] == "person_not_found"

    # The read files its access-log entry in its own statement: one entry per page read, with who,
    # why and the person; none for a person who does not exist; nothing through the outbox.
    reader = f"gallande-{uuid.uuid4().hex[:6]}"
    reader_headers = {**env.auth("caseworker", sub=reader, unit=u), "X-Access-Reason": "uppfoljning"}
    read = await client.get(f"/persons/{person_id}/decisions-in-force", params={"limit": 1}, headers=reader_headers)
    assert read.status_code == 200 and len(read.json()["items"]) == 1
    assert (await client.get(f"/persons/{nobody_id}/decisions-in-force", headers=reader_headers)).status_code == 404
    logged, events = await filed_by(env, reader)
    assert logged == [(person_id, f"person/{person_id}/decisions-in-force", "read", "uppfoljning",
                       "omsorg/registry", ["caseworker"])]
    assert events == 0
    citizen = await client.get(f"/persons/{person_id}/decisions-in-force", headers=env.auth("citizen", pin=make_pin()))
    assert citizen.status_code == 403


async def test_the_unit_overview_counts_per_caseworker(registry):
    env, client = registry
    u = unit()
    anna = env.auth("caseworker", sub="anna", unit=u)
    await open_case(client, env, unit=u)
    child = await old_case(client, env, u, days_ago=200)
    await investigate(client, env, child, days_ago=112)   # four months less about ten days: at risk
    late = await old_case(client, env, u, days_ago=200)
    await investigate(client, env, late, days_ago=150)    # past four months: overdue
    await record(client, env, u, days_ago=20, sub="bertil")       # assessment overdue, protection overdue
    await record(client, env, u, days_ago=5, sub="bertil")        # assessment at risk, protection overdue
    # Anna (not in the staff directory: caseworker level) grants home help above her delegation.
    waiting_case = await open_case(client, env, unit=u)
    assert (await client.post(f"/cases/{waiting_case['id']}/investigations", json={}, headers=anna)).status_code == 201
    waiting = await client.post(f"/cases/{waiting_case['id']}/decisions", headers=anna, json={
        "intervention": "home_help", "reasons": "Omfattande behov dygnet runt.", "scope_amount": "200",
        "legal_basis": "4 kap. 1 § socialtjänstlagen (2025:400)", "valid_from": clock.today().isoformat(),
        "communication": {"communicated": False, "not_communicated_reason": "bifall i sin helhet"}})
    assert waiting.status_code == 201 and waiting.json()["status"] == "awaiting_approval", waiting.text
    chef = env.auth("supervisor", sub="chef", unit=u)
    overview = await client.get("/worklists/unit-overview", headers=chef)
    assert overview.status_code == 200, overview.text
    rows = {r["caseworker"]: r for r in overview.json()["items"]}
    assert set(rows) == {"anna", "bertil"}
    assert (rows["anna"]["open_cases"], rows["anna"]["open_inquiries"]) == (4, 0)
    assert (rows["anna"]["decisions_awaiting_approval"], rows["bertil"]["decisions_awaiting_approval"]) == (1, 0)
    assert (rows["anna"]["investigations_at_risk"], rows["anna"]["investigations_overdue"]) == (1, 1)
    assert (rows["bertil"]["open_cases"], rows["bertil"]["open_inquiries"]) == (0, 2)
    assert (rows["bertil"]["assessments_overdue"], rows["bertil"]["assessments_at_risk"]) == (1, 1)
    assert rows["bertil"]["protections_overdue"] == 2
    paged = await pages(client, "/worklists/unit-overview", chef)
    assert [r["caseworker"] for r in paged] == ["anna", "bertil"]
    assert (await client.get("/worklists/unit-overview", headers=anna)).status_code == 403
    bad = await client.get("/worklists/unit-overview", params={"cursor": encode_cursor("a\x00")}, headers=chef)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_cursor"


async def caseload_of(env, u) -> tuple[list, list]:
    """The unit's caseload as the registry keeps it, and as counted again from its cases."""
    conn = await env.db()
    try:
        kept = await conn.fetch("SELECT caseworker, due_on, open_cases FROM registry.caseload WHERE unit = $1"
                                " ORDER BY 1, 2", u)
        counted = await conn.fetch(
            "SELECT caseworker, COALESCE(ongoing_due_on, DATE 'infinity') AS due_on, count(*) AS open_cases"
            " FROM registry.cases WHERE unit = $1 AND status = 'open' AND removed_at IS NULL GROUP BY 1, 2 ORDER BY 1, 2", u)
    finally:
        await conn.close()
    return [tuple(r) for r in kept], [tuple(r) for r in counted]


async def test_the_caseload_the_overview_reads_follows_every_change_of_an_open_case(registry):
    """The overview reads the open cases per caseworker and deadline from a count kept beside the
    cases (migrations/025_caseload.sql); after each kind of change it equals a count of the cases."""
    env, client = registry
    u = unit()
    chef = env.auth("supervisor", sub="chef", unit=u)

    async def same(step: str) -> list:
        kept, counted = await caseload_of(env, u)
        assert kept == counted, f"after {step}: kept {kept}, counted {counted}"
        return kept

    assert await same("nothing") == []
    plain = await open_case(client, env, unit=u)                       # opened by anna
    assert await same("opening") == [("anna", date.max, 1)]   # no investigation: due on infinity
    child = await old_case(client, env, u, days_ago=200, caseworker="bertil")
    investigation = await investigate(client, env, child, days_ago=112)
    kept = await same("an investigation with a due date")
    assert ("bertil", date.fromisoformat(investigation["due_on"]), 1) in kept
    moved = await client.post(f"/cases/{child['id']}/reassignment", json={"caseworker": "anna", "reason": "Semester"},
                              headers=chef)
    assert moved.status_code == 200, moved.text
    assert [r[0] for r in await same("a hand-over")] == ["anna", "anna"]
    completed = await client.post(f"/cases/{child['id']}/investigations/{investigation['id']}/completion", json={},
                                  headers=env.auth("caseworker", sub="anna", unit=u))
    assert completed.status_code == 200, completed.text
    await same("the investigation completed")
    closed = await client.post(f"/cases/{child['id']}/close", json={"reason": "klart"},
                               headers=env.auth("caseworker", sub="anna", unit=u))
    assert closed.status_code == 200, closed.text
    await same("closing")
    support = env.auth("support", sub="sara")
    assert (await client.post(f"/cases/{plain['id']}/removal", json={"reason": "fel person"},
                              headers=support)).status_code == 200
    assert await same("a removal") == []
    assert (await client.post(f"/cases/{plain['id']}/restoration", json={"reason": "rätt ändå"},
                              headers=support)).status_code == 200
    assert len(await same("a restoration")) == 1
    overview = await client.get("/worklists/unit-overview", headers=chef)
    assert [(r["caseworker"], r["open_cases"]) for r in overview.json()["items"]] == [("anna", 1)]


async def test_two_hand_overs_the_opposite_way_at_once_both_count(registry):
    """A to B and B to A at the same moment change the same two rows of the caseload in opposite
    order: both are taken and the count stays right."""
    env, client = registry
    u = unit()
    chef = env.auth("supervisor", sub="chef", unit=u)
    annas = [await old_case(client, env, u, days_ago=10, caseworker="anna") for _ in range(6)]
    bertils = [await old_case(client, env, u, days_ago=10, caseworker="bertil") for _ in range(6)]
    answers = await asyncio.gather(*(
        client.post(f"/cases/{case['id']}/reassignment", json={"caseworker": to, "reason": "Byte"}, headers=chef)
        for pair in zip(annas, bertils) for case, to in zip(pair, ("bertil", "anna"))))
    assert [a.status_code for a in answers] == [200] * 12, [a.text for a in answers if a.status_code != 200]
    kept, counted = await caseload_of(env, u)
    assert kept == counted == [("anna", date.max, 6), ("bertil", date.max, 6)]


async def test_each_page_is_one_logged_read_found_in_the_log_of_each_person_it_shows(registry):
    env, client = registry
    u = unit()
    first = await record(client, env, u, child=False)
    second = await record(client, env, u, child=False)
    reader = f"dagens-{uuid.uuid4().hex[:6]}"
    response = await client.get("/worklists/intake", params={"unit": u},
                                headers={**env.auth("caseworker", sub=reader, unit=u), "X-Access-Reason": "inkorg"})
    assert response.status_code == 200

    # The registry files its own reads in the reading transaction: in the log when the answer
    # comes, one entry per person, all of one read (one moment), and no event on the outbox.
    conn = await env.db()
    try:
        rows = await conn.fetch("SELECT person_id::text, at FROM registry.access_log WHERE actor = $1"
                                " AND resource = $2", reader, f"worklists/intake/{u}")
        events = await conn.fetchval("SELECT count(*) FROM registry.outbox WHERE type = 'access.logged'"
                                     " AND data->>'actor' = $1", reader)
    finally:
        await conn.close()
    assert sorted(r["person_id"] for r in rows) == sorted([first["person_id"], second["person_id"]])
    assert len({r["at"] for r in rows}) == 1 and events == 0

    found = {}
    for person in (first["person_id"], second["person_id"]):
        audit = await client.get("/audit", params={"person_id": person}, headers=env.auth("support", sub="granskare"))
        assert audit.status_code == 200, audit.text
        found[person] = [(e["actor"], e["reason"]) for e in audit.json()["items"]
                         if e["resource"] == f"worklists/intake/{u}"]
    assert found == {first["person_id"]: [(reader, "inkorg")], second["person_id"]: [(reader, "inkorg")]}


async def test_the_unit_overview_counts_notes_left_unsigned_for_more_than_a_week_per_author(registry):
    """From the journal's events: a note unsigned eight days counts for its author; one written
    today, one signed, one removed and one whose correction was signed do not; a correction makes
    a note its corrector's to sign, from the correction on."""
    from shared.events.catalog import NoteCorrected, NoteRemoved, NoteSigned, NoteWritten
    from tests.integration.watch.helpers import Upstream

    env, client = registry
    u = unit()
    case = (await open_case(client, env, unit=u))["id"]
    now, old = clock.now(), clock.now() - timedelta(days=8)

    def written(author: str, at):
        return NoteWritten(note_id=uuid.uuid4(), case_id=case, version=1, occurred_on=at.date(), written_by=author,
                           written_at=at, source="own_observation", unit=u)
    late, fresh, signed, removed, corrected = (written("anna", old), written("anna", now), written("anna", old),
                                               written("bertil", old), written("bertil", old))
    async with Upstream(env) as upstream:
        for note in (late, fresh, signed, removed, corrected):
            await upstream.send(note, case)
        await upstream.send(NoteSigned(note_id=signed.note_id, case_id=case, version=1, signed_by="anna",
                                       signed_at=now), case)
        await upstream.send(NoteRemoved(note_id=removed.note_id, case_id=case, version=1, removed_by="sven",
                                        removed_at=now), case)
        await upstream.send(NoteCorrected(note_id=corrected.note_id, case_id=case, version=2, based_on_version=1,
                                          changed=["text"], occurred_on=old.date(), corrected_by="cecilia",
                                          corrected_at=old + timedelta(hours=1)), case)
        chef = env.auth("supervisor", sub="chef", unit=u)

        async def unsigned():
            rows = (await client.get("/worklists/unit-overview", params={"unit": u}, headers=chef)).json()["items"]
            counts = {r["caseworker"]: r["unsigned_notes_overdue"] for r in rows if r["unsigned_notes_overdue"]}
            return counts if counts == {"anna": 1, "cecilia": 1} else None
        assert await eventually(unsigned) == {"anna": 1, "cecilia": 1}
        # Cecilia signs her correction: nothing of hers waits any more.
        await upstream.send(NoteSigned(note_id=corrected.note_id, case_id=case, version=2, signed_by="cecilia",
                                       signed_at=now), case)

        async def signed_now():
            rows = (await client.get("/worklists/unit-overview", params={"unit": u}, headers=chef)).json()["items"]
            counts = {r["caseworker"]: r["unsigned_notes_overdue"] for r in rows if r["unsigned_notes_overdue"]}
            return counts if counts == {"anna": 1} else None
        assert await eventually(signed_now) == {"anna": 1}

    # The case removed (registered on the wrong person): its notes leave the overview; restored,
    # they are back.
    async def overdue() -> dict:
        rows = (await client.get("/worklists/unit-overview", params={"unit": u}, headers=chef)).json()["items"]
        return {r["caseworker"]: r["unsigned_notes_overdue"] for r in rows if r["unsigned_notes_overdue"]}
    support = env.auth("support", sub="sara")
    assert (await client.post(f"/cases/{case}/removal", json={"reason": "fel person"}, headers=support)).status_code == 200
    assert await overdue() == {}
    assert (await client.post(f"/cases/{case}/restoration", json={"reason": "rätt person"},
                              headers=support)).status_code == 200
    assert await overdue() == {"anna": 1}
