"""The access log: every read of a person's data, from every service, reviewable per person."""
import uuid
from datetime import datetime

from aiokafka import AIOKafkaProducer

from services.registry.main import SERVICE
from services.registry.usecases import audit, persons
from shared.access import grant_for
from shared.events import Envelope, to_kafka
from shared.events.catalog import AccessLogged
from shared.kafka import kafka_options
from shared.principal import Principal
from tests import clock
from tests.integration.units import one_connection_work
from tests.pins import make_pin, register_person
from tests.integration.registry.test_cases import UNIT, open_case
from tests.stack import eventually

REGISTRAR = grant_for(Principal(sub="anna", roles=["caseworker"], unit="vuxen"), "registry:person.create")


async def _audit(client, env, person_id, role="support", **params):
    return await client.get("/audit", params={"person_id": person_id, **params}, headers=env.auth(role, unit=UNIT))


async def test_reads_in_the_registry_and_other_services_are_in_the_log(registry):
    env, client = registry
    person_id = await register_person(client, env.auth("caseworker", unit=UNIT))
    case = await open_case(client, env, person_id=person_id)
    reader = env.auth("caseworker", unit=UNIT, sub="greta")
    await client.get(f"/persons/{person_id}", headers={**reader, "X-Access-Reason": "planering av hembesok"})
    await client.get(f"/cases/{case['id']}", headers=reader)

    # A read in the journal arrives on audit.access like any other service's.
    producer = AIOKafkaProducer(**kafka_options(env.settings))
    await producer.start()
    try:
        headers, body = to_kafka(Envelope(
            id=uuid.uuid4(), source="omsorg/journal", type="access.logged", time=clock.now(),
            data={"actor": "journal-reader", "roles": ["caseworker"], "action": "read", "resource": "note/1",
                  "person_id": person_id, "reason": None, "at": clock.now().isoformat()}))
        await producer.send_and_wait(env.topic("audit.access"), value=body, key=person_id.encode(), headers=headers)
    finally:
        await producer.stop()

    expected = {f"person/{person_id}", f"case/{case['id']}", "note/1"}

    async def complete():
        entries = (await _audit(client, env, person_id)).json()["items"]
        return entries if expected <= {e["resource"] for e in entries} else None

    entries = await eventually(complete)
    assert entries, "the log never showed all three reads"
    by_resource = {e["resource"]: e for e in entries}
    assert by_resource[f"person/{person_id}"]["reason"] == "planering av hembesok"
    assert by_resource[f"person/{person_id}"]["service"] == "omsorg/registry"
    assert by_resource[f"case/{case['id']}"]["actor"] == "greta"
    assert by_resource["note/1"]["service"] == "omsorg/journal"
    assert all(e["at"] for e in entries)


async def test_audit_is_for_support_and_supervisor_only(registry):
    env, client = registry
    person_id = await register_person(client, env.auth("caseworker", unit=UNIT))
    assert (await _audit(client, env, person_id, role="supervisor")).status_code == 200
    for role in ("caseworker", "family_law", "object_specialist"):
        assert (await _audit(client, env, person_id, role=role)).status_code == 403, role


async def test_audit_pages_are_capped(registry):
    env, client = registry
    person_id = await register_person(client, env.auth("caseworker", unit=UNIT))
    for _ in range(3):
        await client.get(f"/persons/{person_id}", headers=env.auth("caseworker", unit=UNIT))

    async def three():
        entries = (await _audit(client, env, person_id, limit=200)).json()["items"]
        return entries if len([e for e in entries if e["resource"] == f"person/{person_id}"]) >= 3 else None

    whole = await eventually(three)
    assert whole
    page = (await _audit(client, env, person_id, limit=2)).json()
    assert len(page["items"]) == 2 and page["next_cursor"] and page["person_id"] == person_id
    rest = (await _audit(client, env, person_id, limit=200, cursor=page["next_cursor"])).json()
    assert not {e["event_id"] for e in rest["items"]} & {e["event_id"] for e in page["items"]}
    # The pages are the log in its order, newest first, with nothing lost between them (reading
    # the log adds entries of its own meanwhile, so compare the three reads of the person).
    walked = page["items"] + rest["items"]
    reads = [e["event_id"] for e in whole if e["resource"] == f"person/{person_id}"]
    assert [e["event_id"] for e in walked if e["resource"] == f"person/{person_id}"] == reads
    times = [datetime.fromisoformat(e["at"]) for e in walked]
    assert times == sorted(times, reverse=True)
    assert (await _audit(client, env, person_id, limit=201)).status_code == 422
    assert (await _audit(client, env, person_id, cursor="x")).json()["code"] == "invalid_cursor"
    assert (await _audit(client, env, "not-a-uuid")).status_code == 422


async def test_a_refused_read_in_the_registry_is_in_the_log_when_the_refusal_comes(registry):
    """The registry files its own refusals itself, after the rollback: there when the 404
    answers, and not sent round through its outbox."""
    env, client = registry
    case = await open_case(client, env)
    snooper = f"nyfiken-{uuid.uuid4().hex[:6]}"
    refused = await client.get(f"/cases/{case['id']}", headers=env.auth("caseworker", unit="annan", sub=snooper))
    assert refused.status_code == 404, refused.text
    conn = await env.db()
    try:
        rows = await conn.fetch("SELECT action, resource, person_id::text FROM registry.access_log WHERE actor = $1",
                                snooper)
        events = await conn.fetchval("SELECT count(*) FROM registry.outbox WHERE type = 'access.logged'"
                                     " AND data->>'actor' = $1", snooper)
    finally:
        await conn.close()
    assert [tuple(r) for r in rows] == [("read_refused", f"case/{case['id']}", case["person_id"])]
    assert events == 0


async def test_a_read_arriving_after_its_person_left_the_register_is_kept_without_them(env):
    """A read's event that arrives after the person was culled (or removed as registered by
    mistake) must not bring back the id the culling deleted: the entry is kept, without the person."""
    async with one_connection_work(env, SERVICE) as work:
        registered = (await persons.register_person(work(), REGISTRAR, pin=make_pin(), first_name="Karin",
                                                    last_name="Berg")).record["id"]
        gone, event_id = uuid.uuid4(), uuid.uuid4()
        listed = AccessLogged(actor="journal-reader", roles=["caseworker"], action="read", resource="notes/of-unit",
                              person_ids=[registered, gone], at=clock.now())
        await audit.record_access(work(), event_id=event_id, service="omsorg/journal", access=listed)
        entry_ids = [entry_id for entry_id, _ in audit.entries_of(event_id, listed)]
        rows = await work.pool.fetch("SELECT event_id, person_id, actor, resource FROM access_log"
                                     " WHERE event_id = ANY($1::uuid[])", entry_ids)
    assert sorted((r["person_id"] is None, r["actor"], r["resource"]) for r in rows) == [
        (False, "journal-reader", "notes/of-unit"), (True, "journal-reader", "notes/of-unit")]
    assert {r["person_id"] for r in rows} == {registered, None}
