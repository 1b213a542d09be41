"""Culling (gallring) in the journal: when the registry approves a person's culling, the journal
deletes their notes with every version, signature and addendum, and confirms with counts. That is
the one path the database permits: any other DELETE, UPDATE or TRUNCATE is still refused."""
import uuid
from datetime import date

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer

from shared.events import Envelope, to_kafka
from shared.kafka import kafka_options
from shared.pin import parse_pin, person_ref
from tests import clock
from tests.integration.journal.helpers import UNIT, journal_rows, journal_service, key, note_body, open_case
from tests.pins import make_pin
from tests.stack import eventually

__all__ = ["journal_service"]  # a fixture

TABLES = ("notes", "note_versions", "signatures", "addenda")


@pytest.fixture
async def clients(journal_service):
    env, proc = journal_service
    async with httpx.AsyncClient(base_url=proc.url, timeout=30) as journal:
        yield env, journal


def caseworker(env):
    return env.auth("caseworker", sub="anna", unit=UNIT)


async def a_full_note(env, journal, case_id: str) -> str:
    """A note with two versions, a signature and an addendum."""
    made = await journal.post(f"/cases/{case_id}/notes", json=note_body(), headers={**caseworker(env), **key()})
    assert made.status_code == 201, made.text
    note_id = made.json()["id"]
    corrected = await journal.post(f"/notes/{note_id}/corrections", headers=caseworker(env),
                                   json={"based_on_version": 1, "text": "Hembesök, rättad.", "reason": "Stavfel"})
    assert corrected.status_code == 201, corrected.text
    signed = await journal.post(f"/notes/{note_id}/sign", json={"version": 2}, headers=caseworker(env))
    assert signed.status_code == 201, signed.text
    addendum = await journal.post(f"/notes/{note_id}/addenda", json={"text": "Invändning."},
                                  headers={**caseworker(env), **key()})
    assert addendum.status_code == 201, addendum.text
    return note_id


async def rows_of(env, note_id: str) -> dict[str, int]:
    conn = await env.db()
    try:
        return {table: await conn.fetchval(f"SELECT count(*) FROM journal.{table} WHERE "
                                           + ("id" if table == "notes" else "note_id") + " = $1", uuid.UUID(note_id))
                for table in TABLES}
    finally:
        await conn.close()


async def approve(env, *, culling_id: uuid.UUID, person_id: str, person_ref: str | None = None) -> None:
    """The registry's person.culling_approved, as the event contract says it."""
    data = {"culling_id": str(culling_id), "person_id": person_id,
            "person_ref": person_ref or "0" * 64, "rule_id": "personal_file", "approved_by": "systemforvaltare",
            "approved_at": clock.now().isoformat()}
    producer = AIOKafkaProducer(**kafka_options(env.settings))
    await producer.start()
    try:
        headers, body = to_kafka(Envelope(id=uuid.uuid4(), source="omsorg/registry", type="person.culling_approved",
                                          time=clock.now(), data=data))
        await producer.send_and_wait(env.topic("registry.events"), value=body, key=person_id.encode(),
                                     headers=headers)
    finally:
        await producer.stop()


@pytest.mark.parametrize("sql", [
    "DELETE FROM journal.note_versions WHERE note_id = $1",
    "DELETE FROM journal.signatures WHERE note_id = $1",
    "DELETE FROM journal.addenda WHERE note_id = $1",
    "DELETE FROM journal.notes WHERE id = $1",
    "UPDATE journal.note_versions SET text = 'skrivet över' WHERE note_id = $1",
])
async def test_an_ordinary_delete_is_still_refused(clients, sql):
    env, journal = clients
    note_id = await a_full_note(env, journal, await open_case(env, person_id=str(uuid.uuid4())))
    conn = await env.db()
    try:
        with pytest.raises(asyncpg.exceptions.RestrictViolationError, match="append-only"):
            await conn.execute(sql, uuid.UUID(note_id))
    finally:
        await conn.close()
    assert await rows_of(env, note_id) == {"notes": 1, "note_versions": 2, "signatures": 1, "addenda": 1}


async def test_a_culling_row_permits_only_its_own_transaction_and_its_own_person(clients):
    env, journal = clients
    person = str(uuid.uuid4())
    note_id = await a_full_note(env, journal, await open_case(env, person_id=person))
    conn = await env.db()
    try:
        # A culling row committed earlier, by another transaction, permits nothing now.
        await conn.execute("INSERT INTO journal.cullings (culling_id, person_id, culled_at) VALUES ($1, $2, now())",
                           uuid.uuid4(), uuid.UUID(person))
        with pytest.raises(asyncpg.exceptions.RestrictViolationError, match="append-only"):
            await conn.execute("DELETE FROM journal.addenda WHERE note_id = $1", uuid.UUID(note_id))
        # One inserted in this transaction, but for someone else, permits nothing either.
        with pytest.raises(asyncpg.exceptions.RestrictViolationError, match="append-only"):
            async with conn.transaction():
                await conn.execute("INSERT INTO journal.cullings (culling_id, person_id, culled_at)"
                                   " VALUES ($1, $2, now())", uuid.uuid4(), uuid.uuid4())
                await conn.execute("DELETE FROM journal.addenda WHERE note_id = $1", uuid.UUID(note_id))
        # A culling is kept: it cannot be deleted, nor changed afterwards.
        with pytest.raises(asyncpg.exceptions.RestrictViolationError, match="kept"):
            await conn.execute("DELETE FROM journal.cullings WHERE person_id = $1", uuid.UUID(person))
        with pytest.raises(asyncpg.exceptions.RestrictViolationError, match="kept"):
            await conn.execute("UPDATE journal.cullings SET person_id = NULL, person_ref = NULL"
                               " WHERE person_id = $1", uuid.UUID(person))
        with pytest.raises(asyncpg.exceptions.RestrictViolationError):
            await conn.execute("TRUNCATE journal.cullings")
        # In the transaction that inserts the person's culling, their notes may go.
        async with conn.transaction():
            await conn.execute("INSERT INTO journal.cullings (culling_id, person_id, culled_at) VALUES ($1, $2, now())",
                               uuid.uuid4(), uuid.UUID(person))
            await conn.execute("DELETE FROM journal.addenda WHERE note_id = $1", uuid.UUID(note_id))
    finally:
        await conn.close()
    assert (await rows_of(env, note_id))["addenda"] == 0


async def test_an_approved_culling_deletes_the_persons_notes_once_and_is_confirmed(clients):
    env, journal = clients
    person, other = str(uuid.uuid4()), str(uuid.uuid4())
    first_case, second_case = await open_case(env, person_id=person), await open_case(env, person_id=person)
    culled = [await a_full_note(env, journal, first_case), await a_full_note(env, journal, first_case),
              await a_full_note(env, journal, second_case)]
    kept = await a_full_note(env, journal, await open_case(env, person_id=other))
    culling_id = uuid.uuid4()

    await approve(env, culling_id=culling_id, person_id=person)
    await approve(env, culling_id=culling_id, person_id=person)   # published twice: culled once

    async def confirmations():
        rows = await journal_rows(env, "SELECT data FROM journal.outbox WHERE type = 'notes.culled'"
                                       " AND data->>'culling_id' = $1", str(culling_id))
        return rows or None
    confirmed = await eventually(confirmations)
    assert confirmed, "the journal never confirmed the culling"
    assert [row["data"]["counts"] for row in confirmed] == [
        {"notes": 3, "versions": 6, "signatures": 3, "addenda": 3, "cases": 2}]
    assert confirmed[0]["data"]["service"] == "journal"
    for note_id in culled:
        assert await rows_of(env, note_id) == dict.fromkeys(TABLES, 0)
        assert (await journal.get(f"/notes/{note_id}", headers=caseworker(env))).status_code == 404
    assert await rows_of(env, kept) == {"notes": 1, "note_versions": 2, "signatures": 1, "addenda": 1}
    cases_left = await journal_rows(env, "SELECT count(*) AS n FROM journal.cases WHERE person_id = $1",
                                    uuid.UUID(person))
    assert cases_left[0]["n"] == 0
    # The journal keeps that it culled, and how much, but no longer whose.
    kept_record = await journal_rows(env, "SELECT person_id, person_ref, counts FROM journal.cullings"
                                          " WHERE culling_id = $1", culling_id)
    assert [dict(r) for r in kept_record] == [{"person_id": None, "person_ref": None,
                                               "counts": confirmed[0]["data"]["counts"]}]
    # The second delivery of the approval, handled too, changed nothing more.
    async def both_handled():
        rows = await journal_rows(env, "SELECT count(*) AS n FROM journal.inbox WHERE type = 'person.culling_approved'")
        return rows[0]["n"] >= 2
    assert await eventually(both_handled)
    assert len(await confirmations()) == 1


async def test_a_person_known_only_by_person_ref_is_culled_too(clients):
    env, journal = clients
    pin = make_pin(date(1990, 1, 1))
    ref = person_ref(parse_pin(pin, today=clock.today()).normalized, env.settings.person_ref_key)
    case_id = await open_case(env, pin=pin)   # the case came without a person_id
    note_id = await a_full_note(env, journal, case_id)
    culling_id = uuid.uuid4()
    await approve(env, culling_id=culling_id, person_id=str(uuid.uuid4()), person_ref=ref)

    async def gone():
        return (await rows_of(env, note_id))["notes"] == 0
    assert await eventually(gone)


async def test_a_note_written_while_its_case_is_culled_is_refused_as_for_an_unknown_case(clients):
    import asyncio

    env, journal = clients
    person = str(uuid.uuid4())
    case_id = await open_case(env, person_id=person)
    conn = await env.db()
    try:
        # A culling under way: the case is locked and deleted, not yet committed.
        culling = conn.transaction()
        await culling.start()
        await conn.execute("INSERT INTO journal.cullings (culling_id, person_id, culled_at) VALUES ($1, $2, now())",
                           uuid.uuid4(), uuid.UUID(person))
        await conn.execute("SELECT case_id FROM journal.cases WHERE person_id = $1 FOR UPDATE", uuid.UUID(person))
        await conn.execute("DELETE FROM journal.cases WHERE case_id = $1", uuid.UUID(case_id))
        writing = asyncio.create_task(journal.post(f"/cases/{case_id}/notes", json=note_body(),
                                                   headers={**caseworker(env), **key()}))
        await asyncio.sleep(1.0)
        assert not writing.done(), "the write waits for the culling"
        await culling.commit()
        answer = await writing
    finally:
        await conn.close()
    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "case_not_known"
