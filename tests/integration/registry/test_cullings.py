"""Approving a culling (gallring): an object specialist approves the culling of persons the dry run
lists; the registry checks each again at its own date, culls its own rows about them, records the
culling (when, under which rule, approved by whom) and tells every other service; each service's
confirmation is recorded, once, and when all have confirmed the registry forgets whose culling it was. The registry is run twice over one database: today, where the persons
are registered, and five years and a day later, where their records are due."""
import asyncio
import json
import uuid
from datetime import datetime, timedelta

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from shared.calendar import add_months
from shared.events import Envelope, to_kafka
from shared.kafka import kafka_options
from tests import clock
from tests.integration.registry.conftest import event_type_of, events_for
from tests.integration.registry.test_cases import decision
from tests.pins import make_pin, register_person
from tests.stack import create_env, drop_env, eventually

SYSTEM_ADMIN = {"role": "object_specialist", "sub": "systemforvaltare"}
UNIT = "vuxen"


def later_offset() -> str:
    """The clock offset of a registry five years and a day after today (the test clock's)."""
    today = clock.today()
    later = add_months(today, 60) + timedelta(days=1)
    return f"{(clock.OFFSET + (later - today)).total_seconds():.6f}"


@pytest.fixture(scope="module")
async def registries(tmp_path_factory):
    env = await create_env(tmp_path_factory.mktemp("cullings"))
    today, later = env.start("registry"), env.start("registry", OMSORG_CLOCK_OFFSET_SECONDS=later_offset())
    journal = env.start("journal")
    others = [env.start(service) for service in ("orders", "watch", "notify")]
    try:
        for proc in (today, later, journal, *others):
            await proc.wait_ready()
        async with httpx.AsyncClient(base_url=today.url, timeout=30) as now_client, \
                httpx.AsyncClient(base_url=later.url, timeout=30) as later_client, \
                httpx.AsyncClient(base_url=journal.url, timeout=30) as journal_client:
            yield env, now_client, later_client, journal_client
    finally:
        await drop_env(env)


async def person_with_closed_case(env, client) -> tuple[str, str]:
    caseworker = env.auth("caseworker", unit=UNIT)
    person_id = await register_person(client, caseworker, pin=make_pin(datetime(1971, 3, 4).date()))
    case = await client.post("/cases", json={"unit": UNIT, "kind": "SoL", "person_id": person_id},
                             headers=caseworker)
    assert case.status_code == 201, case.text
    return person_id, case.json()["id"]


async def close(env, client, case_id: str) -> None:
    closed = await client.post(f"/cases/{case_id}/close", json={"reason": "klart"},
                               headers=env.auth("caseworker", unit=UNIT))
    assert closed.status_code == 200, closed.text


async def publish_journal_event(env, type_: str, key: str, data: dict) -> None:
    producer = AIOKafkaProducer(**kafka_options(env.settings))
    await producer.start()
    try:
        headers, body = to_kafka(Envelope(id=uuid.uuid4(), source="omsorg/journal", type=type_, time=clock.now(),
                                          data=data))
        await producer.send_and_wait(env.topic("journal.events"), value=body, key=key.encode(), headers=headers)
    finally:
        await producer.stop()


def approval(*person_ids: str, rule_id: str = "personal_file") -> dict:
    return {"rule_id": rule_id, "person_ids": list(person_ids)}


async def rows_about(env, person_id: str) -> dict[str, int]:
    conn = await env.db()
    try:
        pid = uuid.UUID(person_id)
        return {
            "persons": await conn.fetchval("SELECT count(*) FROM registry.persons WHERE id = $1", pid),
            "cases": await conn.fetchval("SELECT count(*) FROM registry.cases WHERE person_id = $1", pid),
            "inquiries": await conn.fetchval("SELECT count(*) FROM registry.inquiries WHERE person_id = $1", pid),
            "journal_cases": await conn.fetchval("SELECT count(*) FROM journal.cases WHERE person_id = $1", pid),
        }
    finally:
        await conn.close()


async def test_an_approved_culling_culls_the_registry_and_the_journal_and_records_both(registries):
    env, now_client, later_client, journal = registries
    person_id, case_id = await person_with_closed_case(env, now_client)
    inquiry = await now_client.post("/inquiries", headers=env.auth("caseworker", unit=UNIT), json={
        "kind": "application", "person_id": person_id, "unit": UNIT, "summary": "Ansökan om hemtjänst",
        "received_on": clock.today().isoformat()})
    assert inquiry.status_code == 201, inquiry.text

    async def journal_knows():
        return (await rows_about(env, person_id))["journal_cases"] == 1
    assert await eventually(journal_knows)
    note = await journal.post(f"/cases/{case_id}/notes", headers={**env.auth("caseworker", unit=UNIT),
                                                                  "Idempotency-Key": str(uuid.uuid4())},
                              json={"occurred_on": clock.today().isoformat(), "text": "Hembesök.",
                                    "source": "person"})
    assert note.status_code == 201, note.text
    await close(env, now_client, case_id)

    # Today the person is not due: the approval is refused, and nothing is culled.
    early = await now_client.post("/retention/cullings", json=approval(person_id), headers=env.auth(**SYSTEM_ADMIN))
    assert early.status_code == 409, early.text
    assert early.headers["content-type"] == "application/problem+json"
    assert early.json()["code"] == "culling_not_due" and early.json()["person_ids"] == [person_id]
    assert (await rows_about(env, person_id))["persons"] == 1

    # Five years and a day later they are, whatever the client says about the day.
    key = {"Idempotency-Key": str(uuid.uuid4())}
    approved = await later_client.post("/retention/cullings", json=approval(person_id),
                                       headers={**env.auth(**SYSTEM_ADMIN), **key})
    assert approved.status_code == 201, approved.text
    [culling] = approved.json()["items"]
    assert (culling["person_id"], culling["rule_id"], culling["approved_by"]) == (
        person_id, "personal_file", "systemforvaltare")
    assert datetime.fromisoformat(culling["approved_at"]) > clock.now() + timedelta(days=5 * 365)
    services = {s["service"]: s for s in culling["services"]}
    assert set(services) == {"registry", "journal", "orders", "watch", "notify"}
    assert services["registry"]["counts"]["persons"] == 1 and services["registry"]["counts"]["cases"] == 1
    assert services["registry"]["counts"]["inquiries"] == 1
    assert services["journal"]["confirmed_at"] is None
    assert culling["completed_at"] is None

    # The registry's own rows about the person are gone at once.
    assert {k: v for k, v in (await rows_about(env, person_id)).items() if k != "journal_cases"} == {
        "persons": 0, "cases": 0, "inquiries": 0}
    records = await events_for(env, person_id, 1)
    [published] = [json.loads(r.value) for r in records if event_type_of(r) == "person.culling_approved"]
    assert published["culling_id"] == culling["id"] and published["rule_id"] == "personal_file"
    assert (published["case_ids"], published["inquiry_ids"]) == ([case_id], [inquiry.json()["id"]])

    # The journal culls and confirms; the registry records it.
    async def journal_confirmed():
        shown = await later_client.get(f"/retention/cullings/{culling['id']}", headers=env.auth(**SYSTEM_ADMIN))
        assert shown.status_code == 200, shown.text
        journal_state = {s["service"]: s for s in shown.json()["services"]}["journal"]
        return journal_state if journal_state["confirmed_at"] else None
    confirmed = await eventually(journal_confirmed, timeout=30)
    assert confirmed, "the journal's confirmation was never recorded"
    assert confirmed["counts"] == {"notes": 1, "versions": 1, "signatures": 0, "addenda": 0, "cases": 1}
    assert (await rows_about(env, person_id))["journal_cases"] == 0
    assert (await journal.get(f"/notes/{note.json()['id']}", headers=env.auth("caseworker", unit=UNIT))).status_code \
        == 404

    # Orders, watch and notify confirm too (they held nothing of this person): the culling is
    # complete, and the registry no longer keeps whose it was.
    async def completed():
        shown = (await later_client.get(f"/retention/cullings/{culling['id']}", headers=env.auth(**SYSTEM_ADMIN))).json()
        return shown if shown["completed_at"] else None
    done = await eventually(completed, timeout=30)
    assert done, "the culling was never confirmed by every service"
    assert all(s["confirmed_at"] for s in done["services"]), done
    conn = await env.db()
    try:
        kept = await conn.fetchrow("SELECT person_id, person_ref, rule_id, approved_by FROM registry.cullings"
                                   " WHERE id = $1", uuid.UUID(culling["id"]))
    finally:
        await conn.close()
    assert dict(kept) == {"person_id": None, "person_ref": None, "rule_id": "personal_file",
                          "approved_by": "systemforvaltare"}

    # A second confirmation from the journal (an event published twice) changes nothing.
    await publish_journal_event(env, "notes.culled", culling["id"], {
        "culling_id": culling["id"], "service": "journal", "counts": {"notes": 99}, "culled_at": clock.now().isoformat()})

    async def both_handled():
        conn = await env.db()
        try:
            return await conn.fetchval("SELECT count(*) FROM registry.inbox WHERE type = 'notes.culled'") >= 2
        finally:
            await conn.close()
    assert await eventually(both_handled)
    assert (await journal_confirmed())["counts"] == confirmed["counts"]

    # The culling as the registry keeps it names no person.
    shown = (await later_client.get(f"/retention/cullings/{culling['id']}", headers=env.auth("support"))).json()
    assert "person_id" not in shown and shown["rule_id"] == "personal_file", shown
    # A retry with the key answers with the same culling (whose, no longer); the key with another
    # request is refused.
    retry = await later_client.post("/retention/cullings", json=approval(person_id),
                                    headers={**env.auth(**SYSTEM_ADMIN), **key})
    assert retry.status_code == 200, retry.text
    assert [(c["id"], c["person_id"]) for c in retry.json()["items"]] == [(culling["id"], None)]
    other = await later_client.post("/retention/cullings", json=approval(str(uuid.uuid4())),
                                    headers={**env.auth(**SYSTEM_ADMIN), **key})
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused", other.text
    # Approved again without the key: the registry knows no such person any more.
    again = await later_client.post("/retention/cullings", json=approval(person_id), headers=env.auth(**SYSTEM_ADMIN))
    assert again.status_code == 404 and again.json()["code"] == "person_not_found", again.text

    # The access log says that a culling happened, by whom; nothing more of the person is left in it.
    async def logged():
        response = await later_client.get("/audit", params={"person_id": person_id}, headers=env.auth("support"))
        assert response.status_code == 200, response.text
        return [(e["action"], e["actor"]) for e in response.json()["items"] if e["action"] == "cull"]
    assert await eventually(logged) == [("cull", "systemforvaltare")]


async def test_a_kept_person_or_an_unknown_one_is_refused_and_nothing_is_culled(registries):
    env, now_client, later_client, _ = registries
    due, case_id = await person_with_closed_case(env, now_client)
    await close(env, now_client, case_id)
    research = await register_person(now_client, env.auth("caseworker", unit=UNIT),
                                     pin=make_pin(datetime(1972, 5, 15).date()))
    refused = await later_client.post("/retention/cullings", json=approval(due, research),
                                      headers=env.auth(**SYSTEM_ADMIN))
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "culling_not_due" and refused.json()["person_ids"] == [research]
    unknown = str(uuid.uuid4())
    missing = await later_client.post("/retention/cullings", json=approval(due, unknown),
                                      headers=env.auth(**SYSTEM_ADMIN))
    assert missing.status_code == 404 and missing.json()["code"] == "person_not_found", missing.text
    assert missing.json()["person_ids"] == [unknown]
    assert (await rows_about(env, due))["persons"] == 1
    assert (await rows_about(env, research))["persons"] == 1


@pytest.mark.parametrize("body", [
    {"rule_id": "personal_file"},
    {"rule_id": "personal_file", "person_ids": []},
    {"rule_id": "personal_file", "person_ids": ["not-a-uuid"]},
    {"rule_id": "", "person_ids": ["0192f3a4-5b6c-7d8e-9f01-23456789abcd"]},
    {"rule_id": "personal_file", "person_ids": ["0192f3a4-5b6c-7d8e-9f01-23456789abcd"], "on": "2020-01-01"},
    [],
])
async def test_a_malformed_approval_is_a_problem_not_a_500(registries, body):
    env, _, later_client, _ = registries
    response = await later_client.post("/retention/cullings", json=body, headers=env.auth(**SYSTEM_ADMIN))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"]


async def test_a_rule_that_is_not_a_cull_rule_is_refused(registries):
    env, _, later_client, _ = registries
    for rule_id in ("research_birth_day", "no_such_rule"):
        response = await later_client.post("/retention/cullings", json=approval(str(uuid.uuid4()), rule_id=rule_id),
                                           headers=env.auth(**SYSTEM_ADMIN))
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "unknown_cull_rule"


async def test_a_culling_that_does_not_exist_is_404_and_a_malformed_id_422(registries):
    env, _, later_client, _ = registries
    missing = await later_client.get(f"/retention/cullings/{uuid.uuid4()}", headers=env.auth(**SYSTEM_ADMIN))
    assert missing.status_code == 404 and missing.json()["code"] == "culling_not_found", missing.text
    malformed = await later_client.get("/retention/cullings/not-an-id", headers=env.auth(**SYSTEM_ADMIN))
    assert malformed.status_code == 422 and malformed.headers["content-type"] == "application/problem+json"


async def test_only_an_object_specialist_may_approve(registries):
    env, now_client, later_client, _ = registries
    due, case_id = await person_with_closed_case(env, now_client)
    await close(env, now_client, case_id)
    for role in ("caseworker", "supervisor", "support", "family_law", "service"):
        response = await later_client.post("/retention/cullings", json=approval(due),
                                           headers=env.auth(role, unit=UNIT))
        assert response.status_code == 403, (role, response.text)
        assert response.json()["code"] == "forbidden"
    reader = await later_client.get(f"/retention/cullings/{uuid.uuid4()}", headers=env.auth("caseworker", unit=UNIT))
    assert reader.status_code == 403, reader.text
    assert (await rows_about(env, due))["persons"] == 1


async def test_a_culling_under_way_is_not_approved_twice(env):
    """Until every service has confirmed (here none runs but the registry), the culling is under
    way: approving the person again, even at the same moment, is refused as such (never a 500),
    not as an unknown person. The person's investigation and decision go with their case."""
    today, later = env.start("registry"), env.start("registry", OMSORG_CLOCK_OFFSET_SECONDS=later_offset())
    await today.wait_ready()
    await later.wait_ready()
    async with httpx.AsyncClient(base_url=today.url, timeout=30) as now_client, \
            httpx.AsyncClient(base_url=later.url, timeout=30) as later_client:
        person_id, case_id = await person_with_closed_case(env, now_client)
        caseworker = env.auth("caseworker", unit=UNIT)
        started = await now_client.post(f"/cases/{case_id}/investigations", json={}, headers=caseworker)
        assert started.status_code == 201, started.text
        decided = await now_client.post(f"/cases/{case_id}/decisions", headers=caseworker, json=decision(
            valid_to=clock.today().isoformat(), follow_up_on=None))
        assert decided.status_code == 201, decided.text
        await close(env, now_client, case_id)
        first, second = await asyncio.gather(*[
            later_client.post("/retention/cullings", json=approval(person_id), headers=env.auth(**SYSTEM_ADMIN))
            for _ in range(2)])
        assert sorted([first.status_code, second.status_code]) == [201, 409], (first.text, second.text)
        if first.status_code == 409:
            first, second = second, first
        assert second.json()["code"] == "culling_already_approved", second.text
        counts = {s["service"]: s["counts"] for s in first.json()["items"][0]["services"]}["registry"]
        assert (counts["investigations"], counts["decisions"], counts["cases"], counts["persons"]) == (1, 1, 1, 1)
        again = await later_client.post("/retention/cullings", json=approval(person_id),
                                        headers=env.auth(**SYSTEM_ADMIN))
        assert again.status_code == 409, again.text
        assert again.json()["code"] == "culling_already_approved" and again.json()["person_ids"] == [person_id]
        shown = (await later_client.get(f"/retention/cullings/{first.json()['items'][0]['id']}",
                                        headers=env.auth(**SYSTEM_ADMIN))).json()
        assert shown["completed_at"] is None
        assert [s["service"] for s in shown["services"] if s["confirmed_at"]] == ["registry"]
