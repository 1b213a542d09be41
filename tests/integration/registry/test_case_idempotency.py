"""Opening a case with an Idempotency-Key: a request cut off and sent again opens one case, never
two, and publishes one `case.opened`."""
import asyncio
import uuid

from tests.integration.registry.conftest import event_type_of, events_for
from tests.pins import register_person

UNIT = "vuxen"


async def _cases_of(env, person_id: str) -> list:
    conn = await env.db()
    try:
        return await conn.fetch("SELECT id FROM registry.cases WHERE person_id = $1", uuid.UUID(person_id))
    finally:
        await conn.close()


async def test_a_retry_with_the_same_key_answers_the_case_the_first_opened(registry):
    env, client = registry
    headers = env.auth("caseworker", "anna", unit=UNIT)
    person_id = await register_person(client, headers)
    body = {"unit": UNIT, "kind": "SoL", "person_id": person_id}
    keyed = headers | {"Idempotency-Key": f"open-{uuid.uuid4()}"}
    first = await client.post("/cases", json=body, headers=keyed)
    again = await client.post("/cases", json=body, headers=keyed)
    assert first.status_code == 201, first.text
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert [str(r["id"]) for r in await _cases_of(env, person_id)] == [first.json()["id"]]
    await events_for(env, first.json()["id"], 1)
    await asyncio.sleep(1)  # a second case.opened would be on the topic by now
    records = await events_for(env, first.json()["id"], 1)
    assert [event_type_of(r) for r in records] == ["case.opened"]


async def test_the_same_key_for_another_request_is_refused_and_opens_nothing(registry):
    env, client = registry
    headers = env.auth("caseworker", "anna", unit=UNIT)
    person_id = await register_person(client, headers)
    keyed = headers | {"Idempotency-Key": f"open-{uuid.uuid4()}"}
    first = await client.post("/cases", json={"unit": UNIT, "kind": "SoL", "person_id": person_id}, headers=keyed)
    other = await client.post("/cases", json={"unit": UNIT, "kind": "LVU", "person_id": person_id}, headers=keyed)
    assert first.status_code == 201, first.text
    assert other.status_code == 409, other.text
    assert other.headers["content-type"].startswith("application/problem+json")
    assert other.json()["code"] == "idempotency_key_reused"
    assert len(await _cases_of(env, person_id)) == 1


async def test_concurrent_retries_open_one_case(registry):
    env, client = registry
    headers = env.auth("caseworker", "anna", unit=UNIT)
    person_id = await register_person(client, headers)
    keyed = headers | {"Idempotency-Key": f"open-{uuid.uuid4()}"}
    answers = await asyncio.gather(*(client.post("/cases", json={"unit": UNIT, "kind": "SoL", "person_id": person_id},
                                                 headers=keyed) for _ in range(8)))
    assert sorted(a.status_code for a in answers) == [200] * 7 + [201], [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert len(await _cases_of(env, person_id)) == 1


async def test_a_key_is_the_openers_own_and_without_one_each_request_opens_a_case(registry):
    env, client = registry
    anna, bo = env.auth("caseworker", "anna", unit=UNIT), env.auth("caseworker", "bo", unit=UNIT)
    person_id = await register_person(client, anna)
    body = {"unit": UNIT, "kind": "SoL", "person_id": person_id}
    key = {"Idempotency-Key": f"open-{uuid.uuid4()}"}
    by_anna = await client.post("/cases", json=body, headers=anna | key)
    by_bo = await client.post("/cases", json=body, headers=bo | key)
    unkeyed = [await client.post("/cases", json=body, headers=anna) for _ in range(2)]
    assert [r.status_code for r in (by_anna, by_bo, *unkeyed)] == [201] * 4
    assert len({r.json()["id"] for r in (by_anna, by_bo, *unkeyed)}) == 4
    assert len(await _cases_of(env, person_id)) == 4
