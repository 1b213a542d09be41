"""Helpers for the journal tests: open a case through the registry and wait until the journal knows it."""
import json
import uuid
from datetime import timedelta

import pytest
from aiokafka import AIOKafkaProducer

from shared.events import Envelope, to_kafka
from shared.events.catalog import StaffChanged
from shared.pin import parse_pin, person_ref
from shared.kafka import kafka_options
from tests import clock
from tests.stack import create_env, drop_env, eventually

UNIT = "vuxen"


@pytest.fixture(scope="module")
async def journal_service(tmp_path_factory):
    """The journal alone, on its own database and topics: other services' work in progress
    cannot break these tests, and one process serves a whole test module."""
    env = await create_env(tmp_path_factory.mktemp("journal"))
    proc = env.start("journal")
    try:
        await proc.wait_ready()
        yield env, proc
    finally:
        await drop_env(env)


async def journal_knows(env, case_id: str, column: str = "case_id", value=None) -> bool:
    conn = await env.db()
    try:
        row = await conn.fetchrow("SELECT * FROM journal.cases WHERE case_id = $1::uuid", case_id)
    finally:
        await conn.close()
    return row is not None and (value is None or row[column] == value)


async def open_case(env, unit: str = UNIT, person_id: str | None = None, pin: str | None = None) -> str:
    """A case as the registry announces it, with the person_ref of `pin` when given. The tests
    speak the event contract rather than the registry's HTTP API, so the journal's tests do not
    depend on how the registry opens cases; test_journal_e2e.py goes through the real registry."""
    case_id = str(uuid.uuid4())
    ref = None if pin is None else person_ref(parse_pin(pin, today=clock.today()).normalized,
                                              env.settings.person_ref_key)
    await publish_registry_event(env, "case.opened", case_id, {"unit": unit, "kind": "SoL", "person_id": person_id,
                                                               "opened_on": clock.today().isoformat(),
                                                               "person_ref": ref})
    assert await eventually(lambda: journal_knows(env, case_id)), "the journal never saw the case"
    return case_id


async def close_case(env, case_id: str) -> None:
    await publish_registry_event(env, "case.closed", case_id, {"reason": "klart",
                                                               "closed_on": clock.today().isoformat()})
    assert await eventually(lambda: journal_knows(env, case_id, "status", "closed"))


async def publish_registry_event(env, type_: str, case_id: str, data: dict) -> None:
    """Publishes a registry event on the test environment's registry.events, keyed by the case."""
    producer = AIOKafkaProducer(**kafka_options(env.settings))
    await producer.start()
    try:
        headers, body = to_kafka(Envelope(id=uuid.uuid4(), source="omsorg/registry", type=type_,
                                          time=clock.now(), data={"case_id": case_id, **data}))
        await producer.send_and_wait(env.topic("registry.events"), value=body, key=case_id.encode(),
                                     headers=headers)
    finally:
        await producer.stop()


async def publish_staff_changed(env, subject: str, *, name: str, title: str | None, unit: str = UNIT,
                                changed_at=None) -> None:
    """The registry's staff.changed for one member of staff, keyed by the subject as the registry keys it."""
    data = StaffChanged(subject=subject, name=name, title=title, unit=unit, delegation_level="caseworker",
                        active_from=clock.today(), changed_by="admin", changed_at=changed_at or clock.now())
    producer = AIOKafkaProducer(**kafka_options(env.settings))
    await producer.start()
    try:
        headers, body = to_kafka(Envelope(id=uuid.uuid4(), source="omsorg/registry", type="staff.changed",
                                          time=clock.now(), data=data.model_dump(mode="json")))
        await producer.send_and_wait(env.topic("registry.events"), value=body, key=subject.encode(), headers=headers)
    finally:
        await producer.stop()


async def journal_rows(env, sql: str, *args) -> list:
    conn = await env.db()
    try:
        await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


def days_ago(days: int) -> str:
    return (clock.today() - timedelta(days=days)).isoformat()


def note_body(text: str = "Hembesök. Klienten berättade om sin situation.", occurred_on: str | None = None,
              source: str = "person", **more) -> dict:
    return {"occurred_on": occurred_on or days_ago(3), "text": text, "source": source, **more}


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}
