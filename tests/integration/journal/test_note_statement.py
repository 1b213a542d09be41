"""Writing a note is two statements without a transaction (ADR 0031), on a real database and
without a service process: the case (with any note the key made before) read, then the note, its
first version and `note.written` in the outbox together. A retry with the same key records no
second note nor event; a case not known writes nothing."""
import json
import uuid

import pytest

from services.journal.domain.notes import Source
from services.journal.main import SERVICE
from services.journal.store import cases as case_store
from services.journal.usecases import notes
from shared.access import grant_for
from shared.errors import DomainError
from shared.principal import Principal
from shared.unit_of_work import Work
from tests import clock
from tests.integration.units import logged_statements, one_connection_work

ANNA = grant_for(Principal(sub="anna", roles=["caseworker"], unit="vuxen"), "journal:note.write")


@pytest.fixture
async def work(env):
    async with one_connection_work(env, SERVICE) as work:
        yield work


def write(work: Work, case_id, key: str, text: str = "Hembesök."):
    return notes.write_note(work(), ANNA, case_id=case_id, occurred_on=clock.today(), text=text,
                            source=Source.PERSON, key=key)


async def counts(work: Work) -> tuple[int, int, int]:
    return (await work.pool.fetchval("SELECT count(*) FROM notes"),
            await work.pool.fetchval("SELECT count(*) FROM note_versions"),
            await work.pool.fetchval("SELECT count(*) FROM outbox"))


async def test_a_note_and_its_event_are_one_statement(work):
    case_id, person_id = uuid.uuid4(), uuid.uuid4()
    async with work() as uow:
        await case_store.insert_open(uow.conn, case_id=case_id, unit="vuxen", kind="SoL", opened_on=clock.today(),
                                     person_id=person_id)
    await write(work, case_id, "k-0")   # asyncpg learns the statements' types once

    statements = await logged_statements(work)
    made = await write(work, case_id, "k-1")
    assert made.created
    assert len(statements) == 2, statements
    assert statements[1].startswith("WITH note AS (")
    note_id = json.loads(made.note)["id"]
    event = await work.pool.fetchrow("SELECT type, key, data FROM outbox WHERE subject = $1", f"note/{note_id}")
    data = json.loads(event["data"]) if isinstance(event["data"], str) else event["data"]
    assert (event["type"], event["key"]) == ("note.written", str(case_id))
    assert (data["note_id"], data["case_id"], data["person_id"], data["version"], data["unit"], data["written_by"]) == (
        note_id, str(case_id), str(person_id), 1, "vuxen", "anna")

    before = await counts(work)
    again = await write(work, case_id, "k-1")
    assert not again.created
    assert await counts(work) == before

    with pytest.raises(DomainError):
        await write(work, uuid.uuid4(), "k-2")
    assert await counts(work) == before
