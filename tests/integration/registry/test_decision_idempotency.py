"""Making a decision with an Idempotency-Key: a request cut off and sent again makes one decision,
never two, and publishes one `decision.made`. Several decisions may rest on one investigation, so
without a key nothing could tell a retry from a second decision."""
import asyncio
import uuid

from tests.integration.registry.conftest import event_type_of, events_for
from tests.integration.registry.test_cases import UNIT, decision, open_case


async def _decisions_of(env, case_id: str) -> list:
    conn = await env.db()
    try:
        return await conn.fetch("SELECT id FROM registry.decisions WHERE case_id = $1", uuid.UUID(case_id))
    finally:
        await conn.close()


async def _completed_investigation(client, headers, case_id: str) -> str:
    started = await client.post(f"/cases/{case_id}/investigations", json={}, headers=headers)
    assert started.status_code == 201, started.text
    done = await client.post(f"/cases/{case_id}/investigations/{started.json()['id']}/completion", headers=headers)
    assert done.status_code == 200, done.text
    return started.json()["id"]


async def test_a_retry_with_the_same_key_answers_the_decision_the_first_made(registry):
    env, client = registry
    headers = env.auth("caseworker", "anna", unit=UNIT)
    case = await open_case(client, env)
    investigation = await _completed_investigation(client, headers, case["id"])
    body = decision(investigation_id=investigation)
    keyed = headers | {"Idempotency-Key": f"decide-{uuid.uuid4()}"}
    first = await client.post(f"/cases/{case['id']}/decisions", json=body, headers=keyed)
    again = await client.post(f"/cases/{case['id']}/decisions", json=body, headers=keyed)
    assert first.status_code == 201, first.text
    assert again.status_code == 200, again.text
    assert again.json() == first.json() and again.headers["ETag"] == first.headers["ETag"]
    assert [str(r["id"]) for r in await _decisions_of(env, case["id"])] == [first.json()["id"]]
    records = await events_for(env, case["id"], 2)
    await asyncio.sleep(1)  # a second decision.made would be on the topic by now
    records = await events_for(env, case["id"], 2)
    assert [event_type_of(r) for r in records].count("decision.made") == 1

    # Without a key, the same body is a second decision on the same investigation, as it may be.
    second = await client.post(f"/cases/{case['id']}/decisions", json=body, headers=headers)
    assert second.status_code == 201 and second.json()["id"] != first.json()["id"]


async def test_a_retry_after_the_decision_completed_the_investigation_still_answers_it(registry):
    """The first request completed the ongoing investigation: its retry, naming none, is not
    refused for want of an ongoing one."""
    env, client = registry
    headers = env.auth("caseworker", "anna", unit=UNIT)
    case = await open_case(client, env)
    assert (await client.post(f"/cases/{case['id']}/investigations", json={}, headers=headers)).status_code == 201
    keyed = headers | {"Idempotency-Key": f"decide-{uuid.uuid4()}"}
    first = await client.post(f"/cases/{case['id']}/decisions", json=decision(), headers=keyed)
    again = await client.post(f"/cases/{case['id']}/decisions", json=decision(), headers=keyed)
    assert (first.status_code, again.status_code) == (201, 200), (first.text, again.text)
    assert again.json()["id"] == first.json()["id"]
    unkeyed = await client.post(f"/cases/{case['id']}/decisions", json=decision(), headers=headers)
    assert unkeyed.status_code == 422 and unkeyed.json()["code"] == "investigation_required"


async def test_the_same_key_for_another_request_or_case_is_refused_and_makes_nothing(registry):
    env, client = registry
    headers = env.auth("caseworker", "anna", unit=UNIT)
    case, other_case = await open_case(client, env), await open_case(client, env)
    investigation = await _completed_investigation(client, headers, case["id"])
    other_investigation = await _completed_investigation(client, headers, other_case["id"])
    keyed = headers | {"Idempotency-Key": f"decide-{uuid.uuid4()}"}
    first = await client.post(f"/cases/{case['id']}/decisions", json=decision(investigation_id=investigation),
                              headers=keyed)
    assert first.status_code == 201, first.text
    for case_id, body in ((case["id"], decision(investigation_id=investigation, reasons="Ett annat skäl.")),
                          (other_case["id"], decision(investigation_id=other_investigation))):
        refused = await client.post(f"/cases/{case_id}/decisions", json=body, headers=keyed)
        assert refused.status_code == 409 and refused.json()["code"] == "idempotency_key_reused", refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert len(await _decisions_of(env, case["id"])) == 1
    assert await _decisions_of(env, other_case["id"]) == []
    # The key is the maker's own: another caseworker's same key is a decision of theirs.
    bo = env.auth("caseworker", "bo", unit=UNIT) | {"Idempotency-Key": keyed["Idempotency-Key"]}
    by_bo = await client.post(f"/cases/{case['id']}/decisions", json=decision(investigation_id=investigation),
                              headers=bo)
    assert by_bo.status_code == 201 and by_bo.json()["id"] != first.json()["id"]


async def test_concurrent_retries_make_one_decision(registry):
    env, client = registry
    headers = env.auth("caseworker", "anna", unit=UNIT)
    case = await open_case(client, env)
    investigation = await _completed_investigation(client, headers, case["id"])
    keyed = headers | {"Idempotency-Key": f"decide-{uuid.uuid4()}"}
    answers = await asyncio.gather(*(client.post(f"/cases/{case['id']}/decisions", headers=keyed,
                                                 json=decision(investigation_id=investigation)) for _ in range(6)))
    assert sorted(a.status_code for a in answers) == [200] * 5 + [201], [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert len(await _decisions_of(env, case["id"])) == 1


async def test_concurrent_retries_on_the_ongoing_investigation_make_one_decision(registry):
    """The first completes the investigation; the others, sent while it was at work, wait for the
    case and answer its decision rather than find no investigation ongoing."""
    env, client = registry
    headers = env.auth("caseworker", "anna", unit=UNIT)
    case = await open_case(client, env)
    assert (await client.post(f"/cases/{case['id']}/investigations", json={}, headers=headers)).status_code == 201
    keyed = headers | {"Idempotency-Key": f"decide-{uuid.uuid4()}"}
    answers = await asyncio.gather(*(client.post(f"/cases/{case['id']}/decisions", headers=keyed, json=decision())
                                     for _ in range(6)))
    assert sorted(a.status_code for a in answers) == [200] * 5 + [201], [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert len(await _decisions_of(env, case["id"])) == 1
