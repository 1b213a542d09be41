"""Cases, investigations and decisions in the order the law expects, and their events."""
import json
from datetime import timedelta

from tests import clock
from tests.pins import make_pin, register_person
from tests.integration.registry.conftest import event_type_of, events_for

UNIT = "vuxen"


def letter() -> dict:
    """The basis communicated by letter today: read when the decision is built, never at import,
    so a run that passes midnight does not date the letter before the investigation."""
    return {"communicated": True, "communicated_on": clock.today().isoformat(), "method": "letter"}


def decision(**overrides):
    body = {"intervention": "home_help", "reasons": "Behov av stöd i den dagliga livsföringen.",
            "legal_basis": "4 kap. 1 § socialtjänstlagen (2025:400)", "valid_from": clock.today().isoformat(),
            "valid_to": (clock.today() + timedelta(days=365)).isoformat(),
            "follow_up_on": (clock.today() + timedelta(days=90)).isoformat(), "communication": letter()}
    body.update(overrides)
    return body


async def open_case(client, env, unit=UNIT, kind="SoL", person_id=None):
    headers = env.auth("caseworker", unit=unit)
    person_id = person_id or await register_person(client, headers)
    response = await client.post("/cases", json={"unit": unit, "kind": kind, "person_id": person_id},
                                 headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_case_needs_a_registered_person(registry):
    env, client = registry
    headers = env.auth("caseworker", unit=UNIT)
    missing = await client.post("/cases", json={"unit": UNIT, "kind": "SoL"}, headers=headers)
    assert missing.status_code == 422
    unknown = await client.post("/cases", json={"unit": UNIT, "kind": "SoL",
                                                "person_id": "00000000-0000-0000-0000-000000000002"},
                                headers=headers)
    assert unknown.status_code == 422 and unknown.json()["code"] == "person_not_found"


async def test_decision_without_investigation_is_409(registry):
    env, client = registry
    case = await open_case(client, env)
    response = await client.post(f"/cases/{case['id']}/decisions", json=decision(),
                                 headers=env.auth("caseworker", unit=UNIT))
    assert response.status_code == 409
    assert response.json()["code"] == "no_investigation"


async def test_process_in_order_with_events(registry):
    env, client = registry
    headers = env.auth("caseworker", unit=UNIT, sub="anna")
    case = await open_case(client, env)
    started = await client.post(f"/cases/{case['id']}/investigations", json={}, headers=headers)
    assert started.status_code == 201, started.text
    investigation = started.json()
    assert investigation["started_on"] == clock.today().isoformat()
    assert investigation["due_on"] is None   # an adult: no statutory deadline

    second = await client.post(f"/cases/{case['id']}/investigations", json={}, headers=headers)
    assert second.status_code == 409 and second.json()["code"] == "investigation_ongoing"
    closing = await client.post(f"/cases/{case['id']}/close", json={"reason": "x"}, headers=headers)
    assert closing.status_code == 409 and closing.json()["code"] == "investigation_ongoing"

    made = await client.post(f"/cases/{case['id']}/decisions", json=decision(), headers=headers)
    assert made.status_code == 201, made.text
    assert made.json()["investigation_id"] == investigation["id"]
    assert made.json()["communication"]["method"] == "letter"

    investigations = (await client.get(f"/cases/{case['id']}/investigations", headers=headers)).json()
    assert investigations["items"][0]["completed_on"] == clock.today().isoformat()
    assert investigations["next_cursor"] is None
    decisions = (await client.get(f"/cases/{case['id']}/decisions", headers=headers)).json()
    assert [d["id"] for d in decisions["items"]] == [made.json()["id"]] and decisions["next_cursor"] is None

    closed = await client.post(f"/cases/{case['id']}/close", json={"reason": "insatsen avslutad"}, headers=headers)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    after = await client.post(f"/cases/{case['id']}/investigations", json={}, headers=headers)
    assert after.status_code == 409 and after.json()["code"] == "case_closed"

    records = await events_for(env, case["id"], 5)
    types = [event_type_of(r) for r in records]
    assert types == ["case.opened", "investigation.started", "investigation.completed", "decision.made",
                     "case.closed"]
    made_event = json.loads(records[3].value)
    assert made_event["decision_id"] == made.json()["id"]
    assert made_event["person_id"] == case["person_id"] and made_event["unit"] == UNIT
    assert {"intervention", "valid_from", "valid_to", "follow_up_on", "decided_on", "decided_by"} <= set(made_event)


async def test_explicit_completion_then_decision(registry):
    env, client = registry
    headers = env.auth("caseworker", unit=UNIT)
    case = await open_case(client, env)
    investigation = (await client.post(f"/cases/{case['id']}/investigations", json={}, headers=headers)).json()
    done = await client.post(f"/cases/{case['id']}/investigations/{investigation['id']}/completion",
                             headers=headers)
    assert done.status_code == 200 and done.json()["completed_by"] == "anna"
    again = await client.post(f"/cases/{case['id']}/investigations/{investigation['id']}/completion",
                              headers=headers)
    assert again.status_code == 409
    body = decision(communication={"communicated": False, "not_communicated_reason": "bifall i sin helhet"})
    # With no investigation ongoing, the decision names the one it rests on: never an old one by default.
    unnamed = await client.post(f"/cases/{case['id']}/decisions", json=body, headers=headers)
    assert unnamed.status_code == 422 and unnamed.json()["code"] == "investigation_required", unnamed.text
    other = await client.post(f"/cases/{case['id']}/decisions", headers=headers,
                              json={**body, "investigation_id": "0190a8e0-0000-7000-8000-000000000000"})
    assert other.status_code == 422 and other.json()["code"] == "investigation_not_on_case", other.text
    made = await client.post(f"/cases/{case['id']}/decisions", json={**body, "investigation_id": investigation["id"]},
                             headers=headers)
    assert made.status_code == 201, made.text
    assert made.json()["communication"]["communicated"] is False
    assert made.json()["investigation_id"] == investigation["id"]


async def test_decision_rules_are_422(registry):
    env, client = registry
    headers = env.auth("caseworker", unit=UNIT)
    case = await open_case(client, env)
    await client.post(f"/cases/{case['id']}/investigations", json={}, headers=headers)
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    cases = {
        "communicated_after_decision": decision(communication={**letter(), "communicated_on": tomorrow}),
        "communication_reason_missing": decision(communication={"communicated": False}),
        "validity_reversed": decision(valid_to=(clock.today() - timedelta(days=1)).isoformat()),
        "validation_error": decision(valid_from="10000-01-01"),
    }
    for code, body in cases.items():
        response = await client.post(f"/cases/{case['id']}/decisions", json=body, headers=headers)
        assert response.status_code == 422, (code, response.text)
        assert response.json()["code"] == code


async def test_caseworker_of_another_unit_cannot_work_on_the_case(registry):
    env, client = registry
    case = await open_case(client, env)
    other = env.auth("caseworker", unit="barn-och-unga")
    for response in (await client.get(f"/cases/{case['id']}", headers=other),
                     await client.post(f"/cases/{case['id']}/investigations", json={}, headers=other)):
        # Answered as a case that does not exist: it is not told that the person has a case there.
        assert response.status_code == 404 and response.json()["code"] == "case_not_found"


async def test_a_case_does_not_show_a_protected_address_a_grant_does(registry):
    env, client = registry
    headers = env.auth("caseworker", unit=UNIT)
    person_id = await register_person(client, headers, protected_identity=True,
                                      address={"street": "Hemlig väg 1", "postal_code": "123 45", "city": "Ort"})
    before = (await client.get(f"/persons/{person_id}", headers=headers)).json()
    assert before["address_withheld"] is True
    await open_case(client, env, person_id=person_id)
    after_case = (await client.get(f"/persons/{person_id}", headers=headers)).json()
    assert after_case["address"] is None and after_case["address_withheld"] is True
    granted = await client.post(f"/persons/{person_id}/address-grants", json={"grantee": "anna", "reason": "Hembesök"},
                                headers=env.auth("supervisor", "chef", unit=UNIT))
    assert granted.status_code == 201, granted.text
    after = (await client.get(f"/persons/{person_id}", headers=headers)).json()
    assert after["address"]["street"] == "Hemlig väg 1" and after["address_withheld"] is False
    other_unit = (await client.get(f"/persons/{person_id}", headers=env.auth("caseworker", unit="x"))).json()
    assert other_unit["address_withheld"] is True


async def _walk(client, path, headers, limit=1) -> list[dict]:
    """Every item of a list, a page of `limit` at a time, following next_cursor to the end."""
    items, params = [], {"limit": limit}
    for _ in range(20):
        response = await client.get(path, params=params, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert set(page) == {"items", "next_cursor"} and len(page["items"]) <= limit
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        params = {"limit": limit, "cursor": page["next_cursor"]}
    raise AssertionError(f"{path} never reached its last page")


async def _decided(client, headers, case_id) -> dict:
    assert (await client.post(f"/cases/{case_id}/investigations", json={}, headers=headers)).status_code == 201
    made = await client.post(f"/cases/{case_id}/decisions", json=decision(), headers=headers)
    assert made.status_code == 201, made.text
    return made.json()


async def test_investigations_and_decisions_are_paged_oldest_first(registry):
    env, client = registry
    headers = env.auth("caseworker", unit=UNIT)
    case = await open_case(client, env)
    made = [await _decided(client, headers, case["id"]) for _ in range(2)]
    investigations = await _walk(client, f"/cases/{case['id']}/investigations", headers)
    assert [i["id"] for i in investigations] == [d["investigation_id"] for d in made]
    decisions = await _walk(client, f"/cases/{case['id']}/decisions", headers)
    assert [d["id"] for d in decisions] == [d["id"] for d in made]
    bad = await client.get(f"/cases/{case['id']}/decisions", params={"cursor": "eyJ4Ijox"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_cursor"


async def test_a_citizen_pages_through_their_own_cases_and_decisions(registry):
    env, client = registry
    pin = make_pin()
    headers = env.auth("caseworker", unit=UNIT)
    person_id = await register_person(client, headers, pin=pin)
    cases = [await open_case(client, env, person_id=person_id) for _ in range(3)]
    made = [await _decided(client, headers, case["id"]) for case in cases[:2]]
    citizen = env.auth("citizen", pin=pin)
    # Opened the same day: in the order of their ids (uuid7, the order they were opened in).
    assert [c["id"] for c in await _walk(client, "/me/cases", citizen, limit=2)] == [c["id"] for c in cases]
    assert [d["id"] for d in await _walk(client, "/me/decisions", citizen)] == [d["id"] for d in made]
    none = await client.get("/me/cases", headers=env.auth("citizen", pin=make_pin()))
    assert none.json() == {"items": [], "next_cursor": None}
