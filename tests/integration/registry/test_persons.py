"""Persons: registration, lookup by number, protected identity, and the one validator."""
import uuid

import pytest

from tests.integration.registry.conftest import filed_by
from tests.pins import INVALID_PINS, make_pin

UNIT = "vuxen"


async def new_person(client, env, *, protected=False, address=True, pin=None, **auth):
    body = {"pin": pin or make_pin(), "first_name": "Karin", "last_name": "Berg",
            "protected_identity": protected}
    if address:
        body["address"] = {"street": "Storgatan 1", "postal_code": "111 22", "city": "Stockholm"}
    response = await client.post("/persons", json=body,
                                 headers=env.auth(**(auth or {"role": "caseworker", "unit": UNIT})))
    assert response.status_code == 201, response.text
    return response.json()


async def test_register_and_read_back_normalized(registry):
    env, client = registry
    pin = make_pin()
    dashed = f"{pin[:8]}-{pin[8:]}"
    person = await new_person(client, env, pin=dashed)
    assert person["pin"] == pin
    assert person["address"]["city"] == "Stockholm" and person["address_withheld"] is False
    headers = env.auth("caseworker", unit=UNIT)
    read = await client.get(f"/persons/{person['id']}", headers=headers)
    assert read.status_code == 200 and read.json()["id"] == person["id"]
    # The 10-digit form finds the same person.
    found = await client.post("/persons/search", json={"pin": pin[2:]}, headers=headers)
    assert found.status_code == 200
    assert found.json()["found"] is True and [p["id"] for p in found.json()["items"]] == [person["id"]]


async def test_same_number_twice_is_409_with_the_existing_id(registry):
    env, client = registry
    person = await new_person(client, env)
    again = await client.post("/persons", json={"pin": person["pin"], "first_name": "A", "last_name": "B"},
                              headers=env.auth("caseworker", unit=UNIT))
    assert again.status_code == 409
    assert again.json()["code"] == "person_exists" and again.json()["person_id"] == person["id"]


async def test_valid_number_without_person_says_so(registry):
    env, client = registry
    response = await client.post("/persons/search", json={"pin": make_pin()}, headers=env.auth("caseworker", unit=UNIT))
    assert response.status_code == 200
    body = response.json()
    assert body["found"] is False and body["items"] == [] and "no person" in body["message"]


@pytest.mark.parametrize("pin,message", INVALID_PINS.items())
async def test_invalid_number_is_422_on_create_and_lookup(registry, pin, message):
    env, client = registry
    headers = env.auth("caseworker", unit=UNIT)
    created = await client.post("/persons", json={"pin": pin, "first_name": "A", "last_name": "B"},
                                headers=headers)
    looked_up = await client.post("/persons/search", json={"pin": pin}, headers=headers)
    for response in (created, looked_up):
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "invalid_personal_identity_number"
        assert message in response.json()["detail"]


async def test_protected_address_is_withheld_not_empty(registry):
    env, client = registry
    person = await new_person(client, env, protected=True)
    for role, claims in [("support", {}), ("family_law", {}), ("caseworker", {"unit": "other-unit"}),
                         ("supervisor", {"unit": UNIT})]:
        read = await client.get(f"/persons/{person['id']}", headers=env.auth(role, **claims))
        assert read.status_code == 200
        assert read.json()["address"] is None
        assert read.json()["address_withheld"] is True, role


async def test_person_without_address_is_not_withheld(registry):
    env, client = registry
    person = await new_person(client, env, protected=True, address=False)
    read = await client.get(f"/persons/{person['id']}", headers=env.auth("support"))
    assert read.json()["address"] is None and read.json()["address_withheld"] is False


async def test_unknown_person_is_404_and_bad_id_is_422(registry):
    env, client = registry
    headers = env.auth("caseworker", unit=UNIT)
    assert (await client.get("/persons/00000000-0000-0000-0000-000000000000", headers=headers)).status_code == 404
    assert (await client.get("/persons/not-a-uuid", headers=headers)).status_code == 422


async def test_nul_in_a_name_is_422_not_500(registry):
    env, client = registry
    response = await client.post("/persons", json={"pin": make_pin(), "first_name": "A\x00", "last_name": "B"},
                                 headers=env.auth("caseworker", unit=UNIT))
    assert response.status_code == 422


async def test_delete_is_405(registry):
    env, client = registry
    person = await new_person(client, env)
    response = await client.delete(f"/persons/{person['id']}", headers=env.auth("support"))
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


async def test_reading_a_person_is_in_the_access_log_when_the_answer_comes(registry):
    """The registry files its own reads in the reading transaction: no event on the outbox, and
    the entry is there as soon as the answer is."""
    env, client = registry
    person = await new_person(client, env)
    read = await client.get(f"/persons/{person['id']}", headers=env.auth("caseworker", unit=UNIT, sub="bertil"))
    assert read.status_code == 200, read.text
    conn = await env.db()
    try:
        rows = await conn.fetch("SELECT actor, resource, service FROM registry.access_log WHERE person_id = $1",
                                uuid.UUID(person["id"]))
        events = await conn.fetchval("SELECT count(*) FROM registry.outbox WHERE type = 'access.logged'"
                                     " AND key = $1", person["id"])
    finally:
        await conn.close()
    assert ("bertil", f"person/{person['id']}", "omsorg/registry") in [tuple(r) for r in rows]
    assert events == 0


async def test_a_read_files_its_entry_in_its_own_statement_and_a_read_of_no_one_files_none(registry):
    """The read and its access-log entry are one statement: who, with which roles and why, against
    the person; for an id no one has, 404 and no entry."""
    env, client = registry
    person = await new_person(client, env)
    reader = f"lasare-{uuid.uuid4().hex[:6]}"
    headers = {**env.auth("caseworker", unit=UNIT, sub=reader), "X-Access-Reason": "utredning"}
    assert (await client.get(f"/persons/{person['id']}", headers=headers)).status_code == 200
    missing = await client.get(f"/persons/{uuid.uuid4()}", headers=headers)
    assert missing.status_code == 404 and missing.json()["code"] == "person_not_found"
    logged, _ = await filed_by(env, reader)
    assert logged == [(person["id"], f"person/{person['id']}", "read", "utredning", "omsorg/registry", ["caseworker"])]


async def test_a_lookup_by_number_files_one_entry_in_its_own_statement_found_or_not(registry):
    """The lookup and its entry are one statement: a read of the person found (`read`,
    `person/<id>`), or, for a number no one has, the search without a person; one entry each."""
    env, client = registry
    person = await new_person(client, env)
    reader = f"sokare-{uuid.uuid4().hex[:6]}"
    headers = {**env.auth("caseworker", unit=UNIT, sub=reader), "X-Access-Reason": "ansokan"}
    found = await client.post("/persons/search", json={"pin": person["pin"]}, headers=headers)
    assert found.status_code == 200 and [p["id"] for p in found.json()["items"]] == [person["id"]]
    nobody = await client.post("/persons/search", json={"pin": make_pin()}, headers=headers)
    assert nobody.status_code == 200 and nobody.json()["found"] is False
    rows, _ = await filed_by(env, reader)
    assert sorted(rows, key=str) == sorted([
        (person["id"], f"person/{person['id']}", "read", "ansokan", "omsorg/registry", ["caseworker"]),
        (None, "persons/search", "search_found_no_one", "ansokan", "omsorg/registry", ["caseworker"])], key=str)


async def test_a_number_sent_as_json_number_is_judged_by_the_validator(registry):
    env, client = registry
    headers = env.auth("caseworker", unit=UNIT)
    ok = await client.post("/persons", json={"pin": int(make_pin()), "first_name": "A", "last_name": "B"},
                           headers=headers)
    assert ok.status_code == 201, ok.text
    short = await client.post("/persons", json={"pin": 1234, "first_name": "A", "last_name": "B"}, headers=headers)
    assert short.status_code == 422 and short.json()["code"] == "invalid_personal_identity_number"
