"""What each role must and must not see, on the running stack (rule 8, docs/architecture.md).

Stated elsewhere, not repeated here:
- family law sees every unit's occurrences, a caseworker only their own unit's:
  tests/integration/registry/test_occurrences.py; a caseworker cannot work on another unit's case:
  tests/integration/registry/test_cases.py; each registry action per role: tests/integration/registry/test_policy.py.
- a provider sees only orders sent to it, and never a recalled order it did not open:
  tests/integration/orders/test_orders_provider.py (another provider's token gets 404, drafts are
  invisible) and tests/integration/orders/test_orders_recall.py.
- only support removes notes or cases: tests/integration/journal/test_journal_notes.py
  (test_only_support_removes), tests/integration/registry/test_removal.py; and for every operation of every
  service, every role the policy does not name gets 403: tests/security/access/test_route_walk.py.
- nobody hard-deletes: tests/security/access/test_route_walk.py (no DELETE operation, 405 on every path).
"""
from datetime import timedelta

import httpx
import pytest

from tests import clock
from tests.integration.orders.helpers import organisation_number
from tests.pins import make_pin
from tests.stack import eventually



def letter() -> dict:
    """The basis communicated by letter today, read when the decision is built (not at import)."""
    return {"communicated": True, "communicated_on": clock.today().isoformat(), "method": "letter"}


@pytest.fixture(scope="module")
async def clients(stack):
    env, procs = stack
    made = {name: httpx.AsyncClient(base_url=proc.url, timeout=30) for name, proc in procs.items()}
    yield env, made
    for client in made.values():
        await client.aclose()


async def _person(env, registry, pin: str, unit: str) -> str:
    response = await registry.post("/persons", json={"pin": pin, "first_name": "Karin", "last_name": "Berg"},
                                   headers=env.auth("caseworker", unit=unit))
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def _case_with_decision(env, registry, person_id: str, unit: str) -> tuple[dict, dict]:
    headers = env.auth("caseworker", unit=unit)
    case = await registry.post("/cases", json={"unit": unit, "kind": "SoL", "person_id": person_id}, headers=headers)
    assert case.status_code == 201, case.text
    case = case.json()
    assert (await registry.post(f"/cases/{case['id']}/investigations", json={}, headers=headers)).status_code == 201
    decision = await registry.post(f"/cases/{case['id']}/decisions", headers=headers, json={
        "intervention": "home_help", "reasons": "Behov av stöd i hemmet.",
        "legal_basis": "4 kap. 1 § socialtjänstlagen (2025:400)", "valid_from": clock.today().isoformat(),
        "valid_to": (clock.today() + timedelta(days=365)).isoformat(), "communication": letter()})
    assert decision.status_code == 201, decision.text
    return case, decision.json()


async def _sent_order(env, orders, case: dict, decision: dict, provider_id: str, unit: str) -> dict:
    headers = env.auth("caseworker", unit=unit)
    body = {"case_id": case["id"], "decision_id": decision["id"], "provider_id": provider_id,
            "intervention": "home_help", "details": "Hjälp med inköp.", "wanted_start": clock.today().isoformat()}

    async def drafted():  # orders learns of the decision from the registry's events
        response = await orders.post("/orders", json=body, headers=headers)
        return response if response.status_code == 201 else None
    draft = await eventually(drafted, timeout=30)
    assert draft is not None, "orders never learnt of the decision"
    sent = await orders.post(f"/orders/{draft.json()['id']}/send", headers=headers)
    assert sent.status_code == 200, sent.text
    return sent.json()


@pytest.fixture(scope="module")
async def two_citizens(clients):
    """Two people, each with a case in another unit, a decision and a sent order."""
    env, c = clients
    provider = await c["orders"].post("/providers", headers=env.auth("object_specialist"), json={
        "name": "Hemtjänst Norr AB", "organisation_number": organisation_number(), "email": "norr@example.se",
        "interventions": ["home_help"]})
    assert provider.status_code == 201, provider.text
    people = []
    for unit in ("vuxen", "barn-och-unga"):
        pin = make_pin()
        person_id = await _person(env, c["registry"], pin, unit)
        case, decision = await _case_with_decision(env, c["registry"], person_id, unit)
        order = await _sent_order(env, c["orders"], case, decision, provider.json()["id"], unit)
        people.append({"pin": pin, "person_id": person_id, "unit": unit, "case": case, "decision": decision,
                       "order": order})
    return people


async def test_a_citizen_sees_their_own_cases_decisions_and_orders_and_no_one_elses(clients, two_citizens):
    env, c = clients
    for me, other in (two_citizens, reversed(two_citizens)):
        headers = env.auth("citizen", sub=f"medborgare-{me['pin']}", pin=me["pin"])
        cases = await c["registry"].get("/me/cases", headers=headers)
        assert cases.status_code == 200, cases.text
        assert [x["id"] for x in cases.json()["items"]] == [me["case"]["id"]]
        decisions = await c["registry"].get("/me/decisions", headers=headers)
        assert [x["id"] for x in decisions.json()["items"]] == [me["decision"]["id"]]
        orders = await c["orders"].get("/me/orders", headers=headers)
        assert orders.status_code == 200, orders.text
        assert [x["id"] for x in orders.json()["items"]] == [me["order"]["id"]]
        assert orders.json()["next_cursor"] is None
        mine = orders.json()["items"][0]
        assert mine["state"] == "sent" and mine["provider_name"] == "Hemtjänst Norr AB"
        # Nothing of the other person's, by any route a citizen's token can take.
        shown = (cases.text + decisions.text + orders.text)
        assert other["case"]["id"] not in shown and other["order"]["id"] not in shown
        for service, path, body in (("registry", f"/cases/{other['case']['id']}", None),
                                    ("registry", f"/cases/{me['case']['id']}", None),
                                    ("registry", "/occurrences/search", {"pin": me["pin"]}),
                                    ("orders", f"/orders/{other['order']['id']}", None),
                                    ("orders", f"/orders?case_id={me['case']['id']}", None)):
            response = await c[service].request("POST" if body else "GET", path, json=body, headers=headers)
            assert response.status_code == 403 and response.json()["code"] == "forbidden", (path, response.text)


async def test_a_citizens_reads_are_logged_against_them(clients, two_citizens):
    env, c = clients
    me = two_citizens[0]
    headers = env.auth("citizen", sub="medborgare-logg", pin=me["pin"])
    for service, path in (("registry", "/me/cases"), ("registry", "/me/decisions"), ("orders", "/me/orders")):
        assert (await c[service].get(path, headers=headers)).status_code == 200

    async def logged():
        response = await c["registry"].get("/audit", params={"person_id": me["person_id"]},
                                           headers=env.auth("support"))
        resources = {e["resource"] for e in response.json()["items"] if e["actor"] == "medborgare-logg"}
        return resources if resources == {"me/cases", "me/decisions", "me/orders"} else None
    assert await eventually(logged, timeout=30)


async def test_a_citizen_reads_only_their_own_signed_notes_never_the_caseworkers_journal(clients, two_citizens):
    """The person reads their signed notes at /me/notes, matched by the person_ref the real registry put on
    case.opened; never an unsigned note, another person's, or the caseworkers' routes of the journal."""
    env, c = clients
    me = two_citizens[0]
    headers = env.auth("citizen", pin=me["pin"])
    staff = env.auth("caseworker", unit=me["unit"])

    async def written():
        response = await c["journal"].post(f"/cases/{me['case']['id']}/notes",
                                           headers={**staff, "Idempotency-Key": "k1"},
                                           json={"occurred_on": clock.today().isoformat(), "text": "Hembesök.",
                                                 "source": "own_observation"})
        return response if response.status_code == 201 else None
    note = await eventually(written, timeout=30)
    assert note is not None, "the journal never learnt of the case"
    for path in (f"/cases/{me['case']['id']}/notes", f"/notes/{note.json()['id']}"):
        response = await c["journal"].get(path, headers=headers)
        assert response.status_code == 403 and response.json()["code"] == "forbidden", response.text
    note_id = note.json()["id"]
    assert (await c["journal"].get("/me/notes", headers=headers)).json()["items"] == []  # not signed yet
    signed = await c["journal"].post(f"/notes/{note_id}/sign", headers=staff, json={"version": 1})
    assert signed.status_code == 201, signed.text
    mine = await c["journal"].get("/me/notes", headers=headers)
    assert [n["id"] for n in mine.json()["items"]] == [note_id], mine.text
    other = env.auth("citizen", pin=two_citizens[1]["pin"])
    assert note_id not in (await c["journal"].get("/me/notes", headers=other)).text
    assert (await c["journal"].get(f"/me/notes/{note_id}", headers=other)).status_code == 404


async def test_a_citizen_unknown_to_the_registry_sees_empty_lists_not_someone_else(clients, two_citizens):
    env, c = clients
    headers = env.auth("citizen", pin=make_pin())
    empty = {"items": [], "next_cursor": None}
    for service, path in (("registry", "/me/cases"), ("registry", "/me/decisions"), ("orders", "/me/orders")):
        response = await c[service].get(path, headers=headers)
        assert response.status_code == 200 and response.json() == empty, (path, response.text)


async def test_a_caseworker_sees_cases_and_orders_of_their_own_unit_only(clients, two_citizens):
    env, c = clients
    mine, theirs = two_citizens
    headers = env.auth("caseworker", unit=mine["unit"])
    assert (await c["registry"].get(f"/cases/{mine['case']['id']}", headers=headers)).status_code == 200
    assert (await c["orders"].get(f"/orders/{mine['order']['id']}", headers=headers)).status_code == 200
    for service, path in (("registry", f"/cases/{theirs['case']['id']}"),
                          ("registry", f"/cases/{theirs['case']['id']}/decisions"),
                          ("orders", f"/orders/{theirs['order']['id']}"),
                          ("orders", f"/orders?case_id={theirs['case']['id']}")):
        response = await c[service].get(path, headers=headers)
        # As if there were no such case or order: not yours and not there answer alike.
        assert (response.status_code, response.json()["code"]) in {
            (404, "case_not_found"), (404, "order_not_found"), (409, "case_not_known")}, (path, response.text)
    # Family law and a supervisor see every unit's case.
    for role in ("family_law", "supervisor"):
        response = await c["registry"].get(f"/cases/{theirs['case']['id']}", headers=env.auth(role, unit="vuxen"))
        assert response.status_code == 200, (role, response.text)


async def test_a_citizen_token_with_an_invalid_number_is_422_not_an_empty_list(clients):
    env, c = clients
    headers = env.auth("citizen", pin="19121212-1213")
    for service, path in (("registry", "/me/cases"), ("registry", "/me/decisions"), ("orders", "/me/orders")):
        response = await c[service].get(path, headers=headers)
        assert response.status_code == 422, (path, response.text)
        assert response.json()["code"] == "invalid_personal_identity_number", (path, response.text)
