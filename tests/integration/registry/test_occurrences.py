"""The occurrence search: every unit for family law, explicit "none", 422 for invalid numbers."""
import uuid

import pytest

from tests.integration.registry.conftest import filed_by
from tests.integration.registry.test_cases import open_case
from tests.pins import INVALID_PINS, make_pin, register_person

UNITS = ("barn-och-unga", "vuxen", "ekonomiskt-bistand")


async def person_with_cases(client, env):
    pin = make_pin()
    person_id = await register_person(client, env.auth("caseworker", unit=UNITS[0]), pin=pin)
    cases = [await open_case(client, env, unit=unit, person_id=person_id) for unit in UNITS]
    return pin, person_id, cases


async def test_family_law_sees_every_units_occurrences(registry):
    env, client = registry
    pin, person_id, cases = await person_with_cases(client, env)
    response = await client.post("/occurrences/search", json={"pin": pin}, headers=env.auth("family_law", sub="fr1"))
    assert response.status_code == 200
    body = response.json()
    assert body["registered"] is True and body["found"] is True and body["scope"] == "all units"
    assert {o["unit"] for o in body["items"]} == set(UNITS)
    assert {o["id"] for o in body["items"]} == {c["id"] for c in cases}
    assert all(o["status"] == "open" and o["opened_on"] for o in body["items"])
    assert body["next_cursor"] is None


async def test_caseworker_sees_only_own_unit_and_is_told_so(registry):
    env, client = registry
    pin, _, _ = await person_with_cases(client, env)
    body = (await client.post("/occurrences/search", json={"pin": pin},
                             headers=env.auth("caseworker", unit="vuxen"))).json()
    assert [o["unit"] for o in body["items"]] == ["vuxen"]
    assert body["scope"] == "unit vuxen"


async def test_valid_number_with_no_occurrences_says_so(registry):
    env, client = registry
    headers = env.auth("family_law")
    unknown = (await client.post("/occurrences/search", json={"pin": make_pin()}, headers=headers)).json()
    assert unknown["registered"] is False and unknown["found"] is False and unknown["items"] == []
    assert "no person with it is registered" in unknown["message"]
    pin = make_pin()
    await register_person(client, env.auth("caseworker", unit="vuxen"), pin=pin)
    none = (await client.post("/occurrences/search", json={"pin": pin}, headers=headers)).json()
    assert none["registered"] is True and none["found"] is False
    assert "has no occurrences" in none["message"]


@pytest.mark.parametrize("pin,message", INVALID_PINS.items())
async def test_invalid_number_is_422_never_an_empty_list(registry, pin, message):
    env, client = registry
    response = await client.post("/occurrences/search", json={"pin": pin}, headers=env.auth("family_law"))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_personal_identity_number"
    assert message in response.json()["detail"]
    assert "items" not in response.json()


async def test_list_is_paged_newest_first(registry):
    env, client = registry
    pin, _, cases = await person_with_cases(client, env)
    headers = env.auth("family_law")
    first = (await client.post("/occurrences/search", json={"pin": pin}, params={"limit": 2}, headers=headers)).json()
    assert len(first["items"]) == 2 and first["next_cursor"] and first["message"].startswith("2 occurrence(s)")
    rest = (await client.post("/occurrences/search", json={"pin": pin}, params={"limit": 2, "cursor": first["next_cursor"]},
                             headers=headers)).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert rest["registered"] is True and rest["found"] is True
    # Opened the same day, newest first: the later id (uuid7) first.
    assert [o["id"] for o in first["items"] + rest["items"]] == sorted((c["id"] for c in cases), reverse=True)
    too_many = await client.post("/occurrences/search", json={"pin": pin}, params={"limit": 201}, headers=headers)
    assert too_many.status_code == 422
    bad = await client.post("/occurrences/search", json={"pin": pin}, params={"cursor": "not-a-cursor"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_cursor"


@pytest.mark.parametrize("role,claims", [("support", {}), ("object_specialist", {}),
                                         ("provider_user", {"provider_id": "p"}), ("citizen", {"pin": "191212121212"})])
async def test_roles_without_the_search_are_403(registry, role, claims):
    env, client = registry
    response = await client.post("/occurrences/search", json={"pin": make_pin()}, headers=env.auth(role, **claims))
    assert response.status_code == 403


async def test_search_is_logged_as_access_to_the_person(registry):
    env, client = registry
    pin, person_id, _ = await person_with_cases(client, env)
    await client.post("/occurrences/search", json={"pin": pin}, headers=env.auth("family_law", sub="fr-search"))
    conn = await env.db()
    try:
        actors = await conn.fetch("SELECT actor, action FROM registry.access_log WHERE person_id = $1::text::uuid",
                                  str(person_id))
    finally:
        await conn.close()
    assert ("fr-search", "search") in [(r["actor"], r["action"]) for r in actors]


async def test_each_search_files_one_entry_in_its_own_statement_with_or_without_a_person(registry):
    """The search and its access-log entry are one statement: one entry per search, against the
    person found, or without a person when no one has the number (that search is logged too);
    nothing goes through the outbox."""
    env, client = registry
    pin, person_id, _ = await person_with_cases(client, env)
    searcher = f"fr-{uuid.uuid4().hex[:6]}"
    headers = {**env.auth("family_law", sub=searcher), "X-Access-Reason": "begaran fran tingsratt"}
    found = await client.post("/occurrences/search", json={"pin": pin}, headers=headers)
    unknown_pin = make_pin()
    nobody = await client.post("/occurrences/search", json={"pin": unknown_pin}, headers=headers)
    assert found.status_code == 200 and found.json()["registered"] is True
    assert nobody.status_code == 200 and nobody.json()["registered"] is False
    rows, events = await filed_by(env, searcher)
    entry = ("occurrences", "search", "begaran fran tingsratt", "omsorg/registry", ["family_law"])
    assert sorted(rows, key=str) == sorted([(str(person_id), *entry), (None, *entry)], key=str)
    assert events == 0
