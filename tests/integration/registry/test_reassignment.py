"""The responsible caseworker (ansvarig handläggare): set on opening, handed over with a reason
by the responsible caseworker or the unit's supervisor, published, kept with who and when."""
import json
import uuid
from datetime import timedelta

from tests import clock
from tests.integration.registry.conftest import event_type_of, events_for
from tests.integration.registry.test_cases import open_case
from tests.integration.registry.test_inquiries import inquiry
from tests.pins import make_pin, register_person


def unit() -> str:
    return f"ansvar-{uuid.uuid4().hex[:6]}"


async def test_opening_a_case_makes_the_opener_or_the_named_caseworker_responsible(registry):
    env, client = registry
    u = unit()
    mine = await open_case(client, env, unit=u)
    assert mine["caseworker"] == "anna"
    headers = env.auth("caseworker", unit=u)
    person_id = await register_person(client, headers)
    named = await client.post("/cases", json={"unit": u, "kind": "SoL", "person_id": person_id,
                                              "caseworker": "bertil"}, headers=headers)
    assert named.status_code == 201 and named.json()["caseworker"] == "bertil"
    opened = await events_for(env, named.json()["id"], 1)
    assert event_type_of(opened[0]) == "case.opened"
    assert json.loads(opened[0].value)["caseworker"] == "bertil"


async def test_the_responsible_caseworker_hands_over_and_the_event_and_history_say_so(registry):
    env, client = registry
    u = unit()
    case = await open_case(client, env, unit=u)
    anna = env.auth("caseworker", sub="anna", unit=u)
    moved = await client.post(f"/cases/{case['id']}/reassignment",
                              json={"caseworker": "bertil", "reason": "Anna går på föräldraledighet"}, headers=anna)
    assert moved.status_code == 200, moved.text
    assert moved.json()["caseworker"] == "bertil"
    assert (await client.get(f"/cases/{case['id']}", headers=anna)).json()["caseworker"] == "bertil"

    records = await events_for(env, case["id"], 2)
    assert [event_type_of(r) for r in records] == ["case.opened", "case.reassigned"]
    data = json.loads(records[1].value)
    assert (data["previous_caseworker"], data["caseworker"], data["reassigned_by"], data["unit"]) == \
        ("anna", "bertil", "anna", u)
    assert "reason" not in data   # the reason stays in the registry

    # Anna is no longer responsible: she cannot hand it on again; the supervisor can.
    again = await client.post(f"/cases/{case['id']}/reassignment",
                              json={"caseworker": "cecilia", "reason": "Tillbaka"}, headers=anna)
    assert again.status_code == 403 and again.json()["code"] == "not_responsible"
    chef = env.auth("supervisor", sub="chef", unit=u)
    by_chef = await client.post(f"/cases/{case['id']}/reassignment",
                                json={"caseworker": "cecilia", "reason": "Fördelning av ärenden"}, headers=chef)
    assert by_chef.status_code == 200 and by_chef.json()["caseworker"] == "cecilia"
    same = await client.post(f"/cases/{case['id']}/reassignment",
                             json={"caseworker": "cecilia", "reason": "x" * 3}, headers=chef)
    assert same.status_code == 409 and same.json()["code"] == "already_responsible"

    history = await client.get(f"/cases/{case['id']}/reassignments", params={"limit": 1}, headers=chef)
    assert history.status_code == 200, history.text
    first = history.json()
    assert [(h["previous_caseworker"], h["caseworker"], h["reassigned_by"], h["reason"]) for h in first["items"]] \
        == [("anna", "bertil", "anna", "Anna går på föräldraledighet")]
    rest = await client.get(f"/cases/{case['id']}/reassignments", params={"cursor": first["next_cursor"]},
                            headers=chef)
    assert [h["caseworker"] for h in rest.json()["items"]] == ["cecilia"] and rest.json()["next_cursor"] is None


async def test_wrong_role_other_unit_and_closed_or_removed_cases_are_refused(registry):
    env, client = registry
    u = unit()
    case = await open_case(client, env, unit=u)
    body = {"caseworker": "bertil", "reason": "Omfördelning"}
    for role, claims in (("family_law", {}), ("support", {}), ("object_specialist", {}),
                         ("citizen", {"pin": make_pin()})):
        refused = await client.post(f"/cases/{case['id']}/reassignment", json=body, headers=env.auth(role, **claims))
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden", (role, refused.text)
    # Another unit's supervisor or caseworker: as if there were no such case.
    for role in ("supervisor", "caseworker"):
        other = await client.post(f"/cases/{case['id']}/reassignment", json=body,
                                  headers=env.auth(role, sub="anna", unit="annan-enhet"))
        assert other.status_code == 404 and other.json()["code"] == "case_not_found", (role, other.text)
    # A colleague in the unit who is not responsible.
    colleague = await client.post(f"/cases/{case['id']}/reassignment", json=body,
                                  headers=env.auth("caseworker", sub="david", unit=u))
    assert colleague.status_code == 403 and colleague.json()["code"] == "not_responsible"

    chef = env.auth("supervisor", sub="chef", unit=u)
    closed = await client.post(f"/cases/{case['id']}/close", json={"reason": "Klart"}, headers=chef)
    assert closed.status_code == 200, closed.text
    late = await client.post(f"/cases/{case['id']}/reassignment", json=body, headers=chef)
    assert late.status_code == 409 and late.json()["code"] == "case_closed"

    removed_case = await open_case(client, env, unit=u)
    removed = await client.post(f"/cases/{removed_case['id']}/removal", json={"reason": "Fel person"},
                                headers=env.auth("support"))
    assert removed.status_code == 200, removed.text
    gone = await client.post(f"/cases/{removed_case['id']}/reassignment", json=body, headers=chef)
    assert gone.status_code == 410 and gone.json()["code"] == "case_removed"   # as any other work on it


async def test_a_hand_over_without_a_reason_or_a_caseworker_is_refused_and_changes_nothing(registry):
    """A reason or a caseworker of spaces alone is no reason and nobody: 422, as an empty one."""
    env, client = registry
    u = unit()
    case = await open_case(client, env, unit=u)
    chef = env.auth("supervisor", sub="chef", unit=u)
    for body in ({"caseworker": "bertil", "reason": "   "}, {"caseworker": "bertil", "reason": ""},
                 {"caseworker": " \t ", "reason": "Omfördelning"}):
        refused = await client.post(f"/cases/{case['id']}/reassignment", json=body, headers=chef)
        assert refused.status_code == 422 and refused.json()["code"] == "validation_error", (body, refused.text)
    history = await client.get(f"/cases/{case['id']}/reassignments", headers=chef)
    assert history.status_code == 200 and history.json()["items"] == []
    assert (await client.get(f"/cases/{case['id']}", headers=chef)).json()["caseworker"] == "anna"


async def test_an_open_inquiry_is_handed_over_and_a_settled_one_is_not(registry):
    env, client = registry
    report = await inquiry(client, env)   # recorded by anna in barn-och-unga
    assert report["caseworker"] == "anna"
    anna = env.auth("caseworker", sub="anna", unit=report["unit"])
    moved = await client.post(f"/inquiries/{report['id']}/reassignment",
                              json={"caseworker": "erik", "reason": "Erik har mottagningen i dag"}, headers=anna)
    assert moved.status_code == 200, moved.text
    assert moved.json()["caseworker"] == "erik"
    records = await events_for(env, report["id"], 2)
    assert [event_type_of(r) for r in records] == ["inquiry.received", "inquiry.reassigned"]
    assert json.loads(records[1].value)["caseworker"] == "erik"
    history = await client.get(f"/inquiries/{report['id']}/reassignments", headers=anna)
    assert [h["reason"] for h in history.json()["items"]] == ["Erik har mottagningen i dag"]

    erik = env.auth("caseworker", sub="erik", unit=report["unit"])
    assessed = await client.post(f"/inquiries/{report['id']}/assessment",
                                 json={"outcome": "no_investigation", "reasons": "Skolan har åtgärdat"}, headers=erik)
    assert assessed.status_code == 200, assessed.text
    settled = await client.post(f"/inquiries/{report['id']}/reassignment",
                                json={"caseworker": "anna", "reason": "Tillbaka"}, headers=erik)
    assert settled.status_code == 409 and settled.json()["code"] == "inquiry_settled"


async def test_reading_the_history_is_a_logged_read(registry):
    env, client = registry
    u = unit()
    case = await open_case(client, env, unit=u)
    reader = f"granskare-{uuid.uuid4().hex[:6]}"
    read = await client.get(f"/cases/{case['id']}/reassignments",
                            headers={**env.auth("supervisor", sub=reader, unit=u), "X-Access-Reason": "kontroll"})
    assert read.status_code == 200, read.text

    audit = await client.get("/audit", params={"person_id": case["person_id"]},
                             headers=env.auth("support", sub="granskare"))   # filed with the read itself
    assert audit.status_code == 200, audit.text
    entries = [e for e in audit.json()["items"] if e["actor"] == reader]
    assert [(e["resource"], e["reason"]) for e in entries] == [(f"case/{case['id']}/reassignments", "kontroll")]


async def test_work_goes_only_to_a_member_of_the_unit_in_service_once_the_directory_knows_the_unit(registry):
    """A typed name that the staff directory does not have in the unit, or has in another unit or
    out of service, is refused and changes nothing; before anyone of the unit is in the directory,
    any subject may take the work (the tokens decide who works there)."""
    env, client = registry
    u, other = unit(), unit()
    case = await open_case(client, env, unit=u)
    chef = env.auth("supervisor", sub="chef", unit=u)
    early = await client.post(f"/cases/{case['id']}/reassignment", json={"caseworker": "okand", "reason": "Före"},
                              headers=chef)
    assert early.status_code == 200 and early.json()["caseworker"] == "okand", early.text

    tag = uuid.uuid4().hex[:6]
    bertil, karin, lars, maja = (f"{n}-{tag}" for n in ("bertil", "karin", "lars", "maja"))
    today = clock.today()
    for who, where, extra in ((bertil, u, {}), (karin, other, {}),
                              (lars, u, {"active_to": (today - timedelta(days=5)).isoformat()}),
                              (maja, u, {"active_from": (today + timedelta(days=5)).isoformat()})):
        put = await client.put(f"/staff/{who}", json={"name": who, "unit": where, "delegation_level": "caseworker",
                                                       "active_from": "2024-01-01", **extra},
                               headers=env.auth("support", "admin"))
        assert put.status_code == 201, put.text

    for to, code in (("okand-2", "unknown_caseworker"), (karin, "caseworker_other_unit"),
                     (lars, "caseworker_not_active"), (maja, "caseworker_not_active")):
        refused = await client.post(f"/cases/{case['id']}/reassignment", json={"caseworker": to, "reason": "Byte"},
                                    headers=chef)
        assert refused.status_code == 422 and refused.json()["code"] == code, (to, refused.text)
        assert to in refused.json()["detail"]
    assert (await client.get(f"/cases/{case['id']}", headers=chef)).json()["caseworker"] == "okand"
    history = await client.get(f"/cases/{case['id']}/reassignments", headers=chef)
    assert [h["caseworker"] for h in history.json()["items"]] == ["okand"]

    moved = await client.post(f"/cases/{case['id']}/reassignment", json={"caseworker": bertil, "reason": "Byte"},
                              headers=chef)
    assert moved.status_code == 200 and moved.json()["caseworker"] == bertil, moved.text

    # The same on opening a case for a named caseworker; the opener themselves needs no entry.
    headers = env.auth("caseworker", sub="anna", unit=u)
    person_id = await register_person(client, headers)
    named = await client.post("/cases", json={"unit": u, "kind": "SoL", "person_id": person_id,
                                              "caseworker": karin}, headers=headers)
    assert named.status_code == 422 and named.json()["code"] == "caseworker_other_unit", named.text
    mine = await client.post("/cases", json={"unit": u, "kind": "SoL", "person_id": person_id}, headers=headers)
    assert mine.status_code == 201 and mine.json()["caseworker"] == "anna"
    listed = await client.get("/worklists/cases", params={"unit": u, "scope": "unit"}, headers=chef)
    assert listed.status_code == 200, listed.text
    assert sorted(c["caseworker"] for c in listed.json()["items"]) == sorted(["anna", bertil])

    # An open inquiry likewise.
    recorded = await client.post("/inquiries", json={"kind": "application", "person_id": person_id, "unit": u,
                                                     "received_on": clock.today().isoformat()}, headers=headers)
    assert recorded.status_code == 201, recorded.text
    report = recorded.json()
    refused = await client.post(f"/inquiries/{report['id']}/reassignment",
                                json={"caseworker": lars, "reason": "Byte"}, headers=chef)
    assert refused.status_code == 422 and refused.json()["code"] == "caseworker_not_active", refused.text
