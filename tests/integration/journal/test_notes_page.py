"""A case's page of notes is answered as the database builds it, not parsed into models and
written out again: on a real database, the page's JSON must be exactly what `NoteOut` would write
(the same fields, the same values, times in the same format), for notes with every kind of
content: corrections (struck versions), signatures, staff and person addenda, a withheld part,
authors known and unknown to the staff directory, and times with and without microseconds. A
note's ETag is the same whether the note was just written (answered without a query) or read.
The page and its access-log entry are one statement; a read that is refused or cannot be
answered is not logged as a read."""
import json
import uuid
from datetime import datetime, timedelta

import pytest

from services.journal.api.models import NoteOut
from services.journal.domain.notes import Source
from services.journal.main import SERVICE
from services.journal.store import cases as case_store
from services.journal.store import notes as note_store
from services.journal.store import staff as staff_store
from services.journal.usecases import notes
from shared.access import grant_for
from shared.clock import Clock
from shared.errors import DomainError
from shared.etag import etag_of_json
from shared.events.catalog.audit import AccessLogged
from shared.outbox import Outbox
from shared.pagination import Page, page_json
from shared.principal import Principal
from shared.unit_of_work import Work
from tests import clock
from tests.integration.units import logged_statements, one_connection_work

ANNA = Principal(sub="anna", roles=["caseworker"], unit="vuxen")
BERIT = Principal(sub="berit", roles=["caseworker"], unit="vuxen")   # not in the staff directory
PAGE = Page[NoteOut]


class SetClock(Clock):
    """A clock that reads what the test set."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


@pytest.fixture
async def work(env):
    async with one_connection_work(env, SERVICE) as plain:
        at = SetClock(clock.now().replace(microsecond=0) - timedelta(hours=1))
        yield Work(plain.pool, Outbox(SERVICE.name, env.settings, at), at, env.settings,
                   files_reads=SERVICE.files_reads)


def grant(user: Principal, permission: str):
    return grant_for(user, permission)


async def a_case(work: Work) -> uuid.UUID:
    case_id = uuid.uuid4()
    async with work() as uow:
        await case_store.insert_open(uow.conn, case_id=case_id, unit="vuxen", kind="SoL",
                                     opened_on=work.clock.today(), person_id=uuid.uuid4())
        await staff_store.upsert(uow.conn, subject="anna", name="Anna Åberg", title="Socialsekreterare",
                                 unit="vuxen", changed_at=work.clock.now())
    return case_id


async def write(work: Work, case_id, user=ANNA, **extra) -> dict:
    made = await notes.write_note(work(), grant(user, "journal:note.write"), case_id=case_id,
                                  occurred_on=work.clock.today(), text=extra.pop("text", "Hembesök."),
                                  source=Source.PERSON, key=str(uuid.uuid4()), **extra)
    return json.loads(made.note)


def as_written_by_the_model(page: str) -> dict:
    return json.loads(PAGE.model_validate_json(page).model_dump_json())


async def read_page(work: Work, case_id, limit: int = 50, cursor=None) -> str:
    found = await notes.case_notes(work(), grant(ANNA, "journal:note.read"), case_id=case_id, limit=limit,
                                   cursor=cursor)
    return page_json(found.notes, found.next_cursor)


async def test_the_page_is_what_the_model_would_write_for_every_kind_of_note(work):
    case_id = await a_case(work)
    work.clock.at += timedelta(seconds=1)                                  # no microseconds
    plain = await write(work, case_id)
    work.clock.at += timedelta(microseconds=120_000)                       # .120000: trailing zeros
    corrected = await write(work, case_id, text="Telefonsamtal med dottern.")
    work.clock.at += timedelta(microseconds=3)
    await notes.correct_note(work(), grant(ANNA, "journal:note.correct"), note_id=uuid.UUID(corrected["id"]),
                             based_on_version=1, text="Telefonsamtal med sonen.", occurred_on=None,
                             reason="Fel anhörig")
    work.clock.at += timedelta(seconds=2)
    await notes.sign_note(work(), grant(ANNA, "journal:note.sign"), note_id=uuid.UUID(corrected["id"]), version=2)
    work.clock.at += timedelta(microseconds=456_789)
    withheld = await write(work, case_id, user=BERIT, withheld_text="Uppgift från polisen.",
                           withheld_reason="Sekretess mot den enskilde (OSL 26 kap. 5 §)")
    await notes.add_addendum(work(), grant(ANNA, "journal:note.addend"), note_id=uuid.UUID(withheld["id"]),
                             text="Kompletterat efter samtal.", given_by="Karin", key=str(uuid.uuid4()))
    async with work() as uow:   # the person's own comment, as /me/notes adds it
        await note_store.insert_addendum(uow.conn, addendum_id=uuid.uuid4(), note_id=uuid.UUID(withheld["id"]),
                                         text="Jag ser det annorlunda.", given_by=None, written_by="ref-1",
                                         written_at=work.clock.now(), idempotency_key="k", request_hash="h",
                                         author_kind="person")
    removed = await write(work, case_id)
    await notes.remove_note(work(), grant(Principal(sub="sam", roles=["support"]), "journal:note.remove"),
                            note_id=uuid.UUID(removed["id"]), version=1, reason="Fel person")

    text = await read_page(work, case_id)
    answered = json.loads(text)
    assert answered == as_written_by_the_model(text)
    assert [n["id"] for n in answered["items"]] == [withheld["id"], corrected["id"], plain["id"]]
    [w, c, p] = answered["items"]
    assert p["created_at"].endswith("Z") and "." not in p["created_at"]
    assert c["created_at"].endswith(".120000Z")
    assert [v["struck"] for v in c["versions"]] == [False, True] and c["versions"][0]["signed_at"].endswith("Z")
    assert (w["written_by_name"], w["versions"][0]["withheld_text"]) == (None, "Uppgift från polisen.")
    assert [(a["author_kind"], a["written_by_name"]) for a in w["addenda"]] == [
        ("staff", "Anna Åberg"), ("person", None)]

    first = json.loads(await read_page(work, case_id, limit=2))
    assert first == as_written_by_the_model(json.dumps(first)) and len(first["items"]) == 2
    rest = json.loads(await read_page(work, case_id, limit=2, cursor=first["next_cursor"]))
    assert [n["id"] for n in rest["items"]] == [plain["id"]] and rest["next_cursor"] is None


async def test_a_note_just_written_has_the_tag_and_times_of_the_note_read(work):
    case_id = await a_case(work)
    for micro in (0, 120_000, 5):
        work.clock.at = work.clock.at.replace(microsecond=micro)
        made = await notes.write_note(work(), grant(ANNA, "journal:note.write"), case_id=case_id,
                                      occurred_on=work.clock.today(), text="Hembesök.", source=Source.PERSON,
                                      key=str(uuid.uuid4()))
        read = await notes.read_note(work(), grant(ANNA, "journal:note.read"), note_id=uuid.UUID(json.loads(made.note)["id"]))
        assert json.loads(made.note) == json.loads(read)
        assert etag_of_json(made.note) == etag_of_json(read)
        work.clock.at += timedelta(seconds=1)


async def access_entries(work: Work) -> list[tuple[str, str, dict]]:
    rows = await work.pool.fetch("SELECT key, type, data FROM outbox WHERE type = 'access.logged' ORDER BY seq")
    return [(r["key"], r["type"], json.loads(r["data"]) if isinstance(r["data"], str) else r["data"]) for r in rows]


async def test_the_page_and_its_access_log_entry_are_one_statement(work):
    case_id = await a_case(work)
    await write(work, case_id)
    person_id = await work.pool.fetchval("SELECT person_id FROM cases WHERE case_id = $1", case_id)
    await read_page(work, case_id)   # asyncpg learns the statement's types once
    before = await access_entries(work)

    statements = await logged_statements(work)
    await read_page(work, case_id)
    assert len(statements) == 1 and statements[0].startswith("WITH read_row AS ("), statements
    [entry] = (await access_entries(work))[len(before):]
    expected = AccessLogged(actor="anna", roles=["caseworker"], action="read", resource=f"case/{case_id}/notes",
                            person_id=person_id, person_ids=[person_id], at=work.clock.now())
    assert entry == (str(person_id), "access.logged", json.loads(expected.model_dump_json()))

    supervisor = Principal(sub="sara", roles=["supervisor"], unit="barn")   # every unit's cases
    await notes.case_notes(work(), grant(supervisor, "journal:note.read"), case_id=case_id, limit=50, cursor=None)
    assert [(e[0], e[2]["actor"], e[2]["action"]) for e in (await access_entries(work))[len(before) + 1:]] == [
        (str(person_id), "sara", "read")]


async def test_a_refused_or_unanswerable_read_is_not_logged_as_a_read(work):
    case_id = await a_case(work)
    person_id = await work.pool.fetchval("SELECT person_id FROM cases WHERE case_id = $1", case_id)
    before = len(await access_entries(work))

    other_unit = Principal(sub="olle", roles=["caseworker"], unit="barn")
    with pytest.raises(DomainError) as refused:
        await notes.case_notes(work(), grant(other_unit, "journal:note.read"), case_id=case_id, limit=50, cursor=None)
    assert refused.value.code == "case_not_known"
    with pytest.raises(DomainError) as unknown:
        await notes.case_notes(work(), grant(ANNA, "journal:note.read"), case_id=uuid.uuid4(), limit=50, cursor=None)
    assert unknown.value.code == "case_not_known"
    await work.pool.execute("UPDATE cases SET removed_at = now() WHERE case_id = $1", case_id)
    with pytest.raises(DomainError) as removed:
        await notes.case_notes(work(), grant(ANNA, "journal:note.read"), case_id=case_id, limit=50, cursor=None)
    assert removed.value.code == "case_removed"

    assert [(e[0], e[2]["actor"], e[2]["action"]) for e in (await access_entries(work))[before:]] == [
        (str(person_id), "olle", "read_refused")]
