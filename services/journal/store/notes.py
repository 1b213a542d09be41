"""SQL for notes. Append-only: versions, signatures and addenda are inserted, never updated
or deleted; a note row is updated once at most, to record its removal."""
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from services.journal.domain.notes import Case, NoteHead, Source, Version, Withheld
from shared.events.catalog.audit import AccessLogged
from shared.json_sql import api_time, time_sql
from shared.outbox import Outbox, Pending


@dataclass(frozen=True)
class Earlier:
    """The note an earlier request with the same Idempotency-Key made."""
    id: UUID
    fingerprint: str
    removed: bool


@dataclass(frozen=True)
class Staff:
    """A member of staff as the directory names them (staff.changed); None fields when unknown."""
    name: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class CaseNotes:
    """The case (None when the journal does not know it) and a page of its notes."""
    case: Case | None
    notes: str              # JSON text: a list of notes as NoteOut writes them (_note_json), newest first
    last_id: UUID | None    # the id of the page's last note, when more notes follow it
    logged: bool = False    # the read's access-log entry was recorded with it


def _case(row: asyncpg.Record) -> Case | None:
    if row["case_id"] is None:
        return None
    return Case(unit=row["unit"], open=row["status"] == "open", removed=row["removed_at"] is not None,
                person_id=row["person_id"])


def _withheld(v: Version) -> tuple[str | None, str | None]:
    """The version's part not shown to the person, as its two columns (NULL, NULL when none)."""
    return (None, None) if v.withheld is None else (v.withheld.text, v.withheld.reason)


def stored_fingerprint(stored: str) -> str:
    """A stored request fingerprint as shared.idempotency makes it: notes and addenda written
    before the journal used it hold the bare digest, without the `sha256:` prefix."""
    return stored if stored.startswith("sha256:") else "sha256:" + stored


async def write_context(conn: asyncpg.Connection, *, case_id: UUID, author: str,
                        idempotency_key: str) -> tuple[Case | None, Earlier | None, Staff]:
    """What a write needs to decide, in one round trip: the case (None when the journal does not
    know it), the note an earlier request with this key made, if any, and the author's name."""
    row = await conn.fetchrow(
        "SELECT c.case_id, c.unit, c.status, c.removed_at, c.person_id,"
        "       k.id AS earlier_id, k.request_hash AS earlier_hash, k.removed_at AS earlier_removed_at,"
        "       s.name AS staff_name, s.title AS staff_title"
        "  FROM (SELECT) AS one"
        "  LEFT JOIN cases c ON c.case_id = $1"
        "  LEFT JOIN notes k ON k.author = $2 AND k.idempotency_key = $3"
        "  LEFT JOIN staff s ON s.subject = $2",
        case_id, author, idempotency_key,
    )
    earlier = None if row["earlier_id"] is None else \
        Earlier(row["earlier_id"], stored_fingerprint(row["earlier_hash"]), row["earlier_removed_at"] is not None)
    return _case(row), earlier, Staff(row["staff_name"], row["staff_title"])


async def note_by_key(conn: asyncpg.Connection, author: str, idempotency_key: str) -> Earlier | None:
    row = await conn.fetchrow("SELECT id, request_hash, removed_at FROM notes"
                              " WHERE author = $1 AND idempotency_key = $2", author, idempotency_key)
    return None if row is None else Earlier(row["id"], stored_fingerprint(row["request_hash"]),
                                            row["removed_at"] is not None)


async def insert_note(conn: asyncpg.Connection, *, note_id: UUID, case_id: UUID, created_at: datetime,
                      idempotency_key: str, request_hash: str, first: Version, outbox: Outbox,
                      events: Sequence[Pending]) -> bool:
    """The note, its first version and `events` in the outbox, in one statement. False, and
    nothing written, when the author already used the key: concurrent identical creates race
    here, and the unique key lets exactly one of them through."""
    withheld = _withheld(first)
    return await outbox.with_write(
        conn,
        "INSERT INTO note_versions (note_id, version, text, occurred_on, written_by, written_at, source,"
        "                           withheld_text, withheld_reason)"
        " SELECT id, 1, $7, $8, $3, $4, $9, $10, $11 FROM note RETURNING true",
        (note_id, case_id, first.written_by, created_at, idempotency_key, request_hash, first.text,
         first.occurred_on, first.source, withheld[0], withheld[1]),
        events,
        before="note AS ("
               "  INSERT INTO notes (id, case_id, author, created_at, idempotency_key, request_hash)"
               "  VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (author, idempotency_key) DO NOTHING RETURNING id)",
    ) is not None


async def insert_version(conn: asyncpg.Connection, note_id: UUID, v: Version) -> None:
    withheld = _withheld(v)
    await conn.execute(
        "INSERT INTO note_versions (note_id, version, text, occurred_on, written_by, written_at, reason, source,"
        "                           withheld_text, withheld_reason)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        note_id, v.version, v.text, v.occurred_on, v.written_by, v.written_at, v.reason, v.source,
        withheld[0], withheld[1],
    )


async def get_note(conn: asyncpg.Connection, note_id: UUID, *, for_update: bool = False) -> NoteHead | None:
    """The note with its case; `for_update` locks the note so actions on it take turns."""
    lock = " FOR UPDATE OF n" if for_update else ""
    row = await conn.fetchrow(
        "SELECT n.id, n.removed_at IS NOT NULL AS removed, c.case_id, c.unit, c.status, c.removed_at, c.person_id"
        "  FROM notes n JOIN cases c USING (case_id) WHERE n.id = $1" + lock,
        note_id,
    )
    return None if row is None else NoteHead(id=row["id"], case_id=row["case_id"], case=_case(row),
                                             removed=row["removed"])


async def current_version(conn: asyncpg.Connection, note_id: UUID) -> Version:
    row = await conn.fetchrow(
        "SELECT version, text, occurred_on, written_by, written_at, reason, source, withheld_text, withheld_reason"
        "  FROM note_versions WHERE note_id = $1 ORDER BY version DESC LIMIT 1", note_id)
    withheld = None if row["withheld_text"] is None else Withheld(row["withheld_text"], row["withheld_reason"])
    return Version(row["version"], row["text"], row["occurred_on"], row["written_by"], row["written_at"],
                   row["reason"], None if row["source"] is None else Source(row["source"]), withheld)


async def insert_signature(conn: asyncpg.Connection, *, note_id: UUID, version: int, signed_by: str,
                           signed_at: datetime) -> bool:
    """False if that version was already signed."""
    return bool(await conn.fetchval(
        "INSERT INTO signatures (note_id, version, signed_by, signed_at) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT DO NOTHING RETURNING true",
        note_id, version, signed_by, signed_at,
    ))


async def insert_addendum(conn: asyncpg.Connection, *, addendum_id: UUID, note_id: UUID, text: str,
                          given_by: str | None, written_by: str, written_at: datetime,
                          idempotency_key: str, request_hash: str, author_kind: str = "staff") -> bool:
    """An addendum by a member of staff (`author_kind` staff) or by the person themselves (person)."""
    return bool(await conn.fetchval(
        "INSERT INTO addenda (id, note_id, text, given_by, written_by, written_at, idempotency_key, request_hash,"
        "                     author_kind)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        " ON CONFLICT (written_by, idempotency_key) DO NOTHING RETURNING true",
        addendum_id, note_id, text, given_by, written_by, written_at, idempotency_key, request_hash, author_kind,
    ))


async def addendum_fingerprint(conn: asyncpg.Connection, written_by: str, idempotency_key: str) -> str | None:
    """The fingerprint of the request that made an addendum with this key, if one did."""
    stored = await conn.fetchval("SELECT request_hash FROM addenda WHERE written_by = $1 AND idempotency_key = $2",
                                 written_by, idempotency_key)
    return None if stored is None else stored_fingerprint(stored)


async def mark_removed(conn: asyncpg.Connection, note_id: UUID, *, removed_by: str, reason: str,
                       removed_at: datetime) -> None:
    await conn.execute(
        "UPDATE notes SET removed_at = $2, removed_by = $3, removal_reason = $4"
        " WHERE id = $1 AND removed_at IS NULL",
        note_id, removed_at, removed_by, reason,
    )


def _note_json(*, removal: bool) -> str:
    """A note as the API shows it, built as JSON where the rows are: with `removal`, as the archive
    shows it (api.models.ArchivedNoteOut), otherwise exactly as `NoteOut` writes it (its fields,
    its times), so that a case's page of notes, the most frequent request, is answered as the
    database builds it: one query, no per-note work in Python. A version is struck when a later
    one exists; who wrote the later one, when and why, strikes it. That is derived here, never
    stored."""
    removed = (f"'removed', n.removed_at IS NOT NULL, 'removed_at', {time_sql('n.removed_at')},"
               " 'removed_by', n.removed_by, 'removal_reason', n.removal_reason,") if removal else ""
    return f"""
SELECT n.id, json_build_object(
    'id', n.id, 'case_id', n.case_id, 'author', n.author,
    'written_by_name', (SELECT name FROM staff WHERE subject = n.author),
    'written_by_title', (SELECT title FROM staff WHERE subject = n.author), 'created_at', {time_sql('n.created_at')},
    'current_version', cur.version, 'occurred_on', cur.occurred_on, 'source', cur.source, 'signed', cur.signed,
    {removed}
    'versions', (SELECT json_agg(json_build_object(
                     'version', v.version, 'text', v.text, 'occurred_on', v.occurred_on, 'source', v.source,
                     'withheld_text', v.withheld_text, 'withheld_reason', v.withheld_reason,
                     'written_by', v.written_by, 'written_by_name', st.name, 'written_by_title', st.title,
                     'written_at', {time_sql('v.written_at')}, 'reason', v.reason,
                     'signed_by', s.signed_by, 'signed_at', {time_sql('s.signed_at')},
                     'struck', v.later_by IS NOT NULL, 'struck_by', v.later_by, 'struck_at', {time_sql('v.later_at')},
                     'struck_reason', v.later_reason) ORDER BY v.version DESC)
                   FROM (SELECT *, lead(written_by) OVER later AS later_by, lead(written_at) OVER later AS later_at,
                                lead(reason) OVER later AS later_reason
                           FROM note_versions WHERE note_id = n.id WINDOW later AS (ORDER BY version)) v
                   LEFT JOIN signatures s ON s.note_id = v.note_id AND s.version = v.version
                   LEFT JOIN staff st ON st.subject = v.written_by),
    'addenda', (SELECT coalesce(json_agg(json_build_object(
                     'id', a.id, 'text', a.text, 'given_by', a.given_by, 'author_kind', a.author_kind,
                     'written_by', a.written_by, 'written_by_name', st.name, 'written_by_title', st.title,
                     'written_at', {time_sql('a.written_at')}) ORDER BY a.id), '[]')
                  FROM addenda a LEFT JOIN staff st ON a.author_kind = 'staff' AND st.subject = a.written_by
                 WHERE a.note_id = n.id)) AS note
  FROM notes n
 CROSS JOIN LATERAL (
       SELECT v.version, v.occurred_on, v.source,
              EXISTS (SELECT FROM signatures s WHERE s.note_id = v.note_id AND s.version = v.version) AS signed
         FROM note_versions v WHERE v.note_id = n.id ORDER BY v.version DESC LIMIT 1) AS cur
"""


_NOTE_JSON = _note_json(removal=True)

# The case (NULL columns when unknown) and a page of its notes that are not removed, newest
# first, as JSON text, in one round trip: the ids of up to $3 + 1 notes after the cursor $2,
# the page's notes built from the first $3 of them, and the id of the last of those when one
# more follows.
CASE_NOTES_QUERY = """
WITH ids AS MATERIALIZED (
       SELECT array(SELECT n.id FROM notes n
                     WHERE n.case_id = $1 AND n.removed_at IS NULL AND ($2::uuid IS NULL OR n.id < $2)
                     ORDER BY n.id DESC LIMIT $3 + 1) AS page)
SELECT c.case_id, c.unit, c.status, c.removed_at, c.person_id,
       (SELECT coalesce(json_agg(page.note ORDER BY page.id DESC), '[]')::text FROM (""" + _note_json(removal=False) + """
         WHERE n.id = ANY (ids.page[1:$3])) AS page) AS notes,
       CASE WHEN cardinality(ids.page) > $3 THEN ids.page[$3] END AS last_id
  FROM ids LEFT JOIN cases c ON c.case_id = $1
"""


async def case_notes(conn: asyncpg.Connection, case_id: UUID, *, after: UUID | None, limit: int, outbox: Outbox,
                     access: AccessLogged, unit: str | None) -> CaseNotes:
    """The case and up to `limit` of its notes, newest first, after the note `after` (of the page
    before), and in the same statement the read's access-log entry (`access`, naming the case's
    person), recorded when the page will be shown: the case is known, not removed, and in `unit`
    (None: any unit; `Grant.unit_filter`)."""
    row = await outbox.with_read(conn, CASE_NOTES_QUERY, (case_id, after, limit, unit), access,
                                 person="read_row.person_id",
                                 shown="read_row.case_id IS NOT NULL AND read_row.removed_at IS NULL"
                                       " AND ($4::text IS NULL OR read_row.unit = $4::text)")
    return CaseNotes(case=_case(row), notes=row["notes"], last_id=row["last_id"], logged=row["logged"])


async def full_note(conn: asyncpg.Connection, note_id: UUID) -> str | None:
    """One note as JSON text, removed or not; the caller decides who may see which."""
    return await conn.fetchval("SELECT note::text FROM (" + _NOTE_JSON + " WHERE n.id = $1) AS one", note_id)


def new_note(note_id: UUID, case_id: UUID, first: Version, author: Staff) -> str:
    """A note just written, as _NOTE_JSON would show it, without asking the database: its one
    version; nothing signed, struck, added or removed."""
    withheld = _withheld(first)
    return json.dumps({
        "id": str(note_id), "case_id": str(case_id), "author": first.written_by,
        "created_at": api_time(first.written_at), "written_by_name": author.name,
        "written_by_title": author.title, "current_version": 1,
        "occurred_on": first.occurred_on.isoformat(), "source": first.source, "signed": False,
        "removed": False, "removed_at": None, "removed_by": None, "removal_reason": None,
        "versions": [{"version": 1, "text": first.text, "occurred_on": first.occurred_on.isoformat(),
                      "written_by": first.written_by, "written_at": api_time(first.written_at), "reason": None,
                      "written_by_name": author.name, "written_by_title": author.title, "source": first.source,
                      "withheld_text": withheld[0], "withheld_reason": withheld[1],
                      "signed_by": None, "signed_at": None,
                      "struck": False, "struck_by": None, "struck_at": None, "struck_reason": None}],
        "addenda": []}, ensure_ascii=False)


# A note as the person it is about reads it (api.models.MyNoteOut): only notes of their own
# cases (matched by person_ref), not removed, on a case not removed, whose current version is
# signed; that version alone, without the part withheld from the person (never selected here),
# and the person's own addenda.
_MY_NOTES = """
SELECT n.id, c.person_id, json_build_object(
    'id', n.id, 'case_id', n.case_id, 'version', v.version, 'occurred_on', v.occurred_on, 'text', v.text,
    'source', v.source, 'written_at', v.written_at, 'signed_at', s.signed_at,
    'written_by_name', st.name, 'written_by_title', st.title,
    'addenda', (SELECT coalesce(json_agg(json_build_object('id', a.id, 'text', a.text, 'written_at', a.written_at)
                                         ORDER BY a.id), '[]')
                  FROM addenda a WHERE a.note_id = n.id AND a.author_kind = 'person'))::text AS note
  FROM cases c
  JOIN notes n ON n.case_id = c.case_id
 CROSS JOIN LATERAL (SELECT note_id, version, occurred_on, text, source, written_by, written_at
                       FROM note_versions WHERE note_id = n.id ORDER BY version DESC LIMIT 1) AS v
  JOIN signatures s ON s.note_id = v.note_id AND s.version = v.version
  LEFT JOIN staff st ON st.subject = v.written_by
 WHERE c.person_ref = $1 AND c.removed_at IS NULL AND n.removed_at IS NULL
"""


@dataclass(frozen=True)
class MyNote:
    id: UUID
    person_id: UUID | None
    note: str               # JSON text, as _MY_NOTES builds it


async def my_notes(conn: asyncpg.Connection, person_ref: str, *, after: UUID | None, limit: int) -> list[MyNote]:
    """Up to `limit` of the person's signed notes, newest first, after the note `after`."""
    rows = await conn.fetch(_MY_NOTES + " AND ($2::uuid IS NULL OR n.id < $2) ORDER BY n.id DESC LIMIT $3",
                            person_ref, after, limit)
    return [MyNote(r["id"], r["person_id"], r["note"]) for r in rows]


async def my_note(conn: asyncpg.Connection, person_ref: str, note_id: UUID) -> MyNote | None:
    """The note if the person may read it (their own case, signed, not removed)."""
    row = await conn.fetchrow(_MY_NOTES + " AND n.id = $2", person_ref, note_id)
    return None if row is None else MyNote(row["id"], row["person_id"], row["note"])
