"""SQL for notes. Append-only: versions, signatures and addenda are inserted, never updated
or deleted; a note row is updated once at most, to record its removal."""
import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from services.journal.domain.notes import Case, NoteHead, Version


@dataclass(frozen=True)
class Earlier:
    """The note an earlier request with the same Idempotency-Key made."""
    id: UUID
    fingerprint: str
    removed: bool


@dataclass(frozen=True)
class CaseNotes:
    """The case (None when the journal does not know it) and a page of its notes."""
    case: Case | None
    notes: str              # JSON text: a list of notes as _NOTE_JSON builds them, newest first
    last_id: UUID | None    # the id of the page's last note, when more notes follow it


def _case(row: asyncpg.Record) -> Case | None:
    if row["case_id"] is None:
        return None
    return Case(unit=row["unit"], open=row["status"] == "open", removed=row["removed_at"] is not None,
                person_id=row["person_id"])


def stored_fingerprint(stored: str) -> str:
    """A stored request fingerprint as shared.idempotency makes it: notes and addenda written
    before the journal used it hold the bare digest, without the `sha256:` prefix."""
    return stored if stored.startswith("sha256:") else "sha256:" + stored


async def write_context(conn: asyncpg.Connection, *, case_id: UUID, author: str,
                        idempotency_key: str) -> tuple[Case | None, Earlier | None]:
    """What a write needs to decide, in one round trip: the case (None when the journal does not
    know it) and the note an earlier request with this key made, if any."""
    row = await conn.fetchrow(
        "SELECT c.case_id, c.unit, c.status, c.removed_at, c.person_id,"
        "       k.id AS earlier_id, k.request_hash AS earlier_hash, k.removed_at AS earlier_removed_at"
        "  FROM (SELECT) AS one"
        "  LEFT JOIN cases c ON c.case_id = $1"
        "  LEFT JOIN notes k ON k.author = $2 AND k.idempotency_key = $3",
        case_id, author, idempotency_key,
    )
    earlier = None if row["earlier_id"] is None else \
        Earlier(row["earlier_id"], stored_fingerprint(row["earlier_hash"]), row["earlier_removed_at"] is not None)
    return _case(row), earlier


async def note_by_key(conn: asyncpg.Connection, author: str, idempotency_key: str) -> Earlier | None:
    row = await conn.fetchrow("SELECT id, request_hash, removed_at FROM notes"
                              " WHERE author = $1 AND idempotency_key = $2", author, idempotency_key)
    return None if row is None else Earlier(row["id"], stored_fingerprint(row["request_hash"]),
                                            row["removed_at"] is not None)


async def insert_note(conn: asyncpg.Connection, *, note_id: UUID, case_id: UUID, created_at: datetime,
                      idempotency_key: str, request_hash: str, first: Version) -> bool:
    """The note and its first version. False when the author already used the key: concurrent
    identical creates race here, and the unique key lets exactly one of them through."""
    return bool(await conn.fetchval(
        "WITH note AS ("
        "  INSERT INTO notes (id, case_id, author, created_at, idempotency_key, request_hash)"
        "  VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (author, idempotency_key) DO NOTHING RETURNING id)"
        " INSERT INTO note_versions (note_id, version, text, occurred_on, written_by, written_at)"
        " SELECT id, 1, $7, $8, $3, $4 FROM note RETURNING true",
        note_id, case_id, first.written_by, created_at, idempotency_key, request_hash, first.text, first.occurred_on,
    ))


async def insert_version(conn: asyncpg.Connection, note_id: UUID, v: Version) -> None:
    await conn.execute(
        "INSERT INTO note_versions (note_id, version, text, occurred_on, written_by, written_at, reason)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        note_id, v.version, v.text, v.occurred_on, v.written_by, v.written_at, v.reason,
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
        "SELECT version, text, occurred_on, written_by, written_at, reason FROM note_versions"
        " WHERE note_id = $1 ORDER BY version DESC LIMIT 1", note_id)
    return Version(**row)


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
                          idempotency_key: str, request_hash: str) -> bool:
    return bool(await conn.fetchval(
        "INSERT INTO addenda (id, note_id, text, given_by, written_by, written_at, idempotency_key, request_hash)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (written_by, idempotency_key) DO NOTHING RETURNING true",
        addendum_id, note_id, text, given_by, written_by, written_at, idempotency_key, request_hash,
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


# A note as the API shows it (api.models.NoteOut, ArchivedNoteOut), built as JSON where the rows
# are: reading a case's notes is the most frequent request, and this keeps it at one query
# and no per-row work in Python. A version is struck when a later one exists; who wrote the
# later one, when and why, strikes it. That is derived here, never stored.
_NOTE_JSON = """
SELECT n.id, json_build_object(
    'id', n.id, 'case_id', n.case_id, 'author', n.author, 'created_at', n.created_at,
    'current_version', cur.version, 'occurred_on', cur.occurred_on, 'signed', cur.signed,
    'removed', n.removed_at IS NOT NULL, 'removed_at', n.removed_at, 'removed_by', n.removed_by,
    'removal_reason', n.removal_reason,
    'versions', (SELECT json_agg(json_build_object(
                     'version', v.version, 'text', v.text, 'occurred_on', v.occurred_on,
                     'written_by', v.written_by, 'written_at', v.written_at, 'reason', v.reason,
                     'signed_by', s.signed_by, 'signed_at', s.signed_at,
                     'struck', v.later_by IS NOT NULL, 'struck_by', v.later_by, 'struck_at', v.later_at,
                     'struck_reason', v.later_reason) ORDER BY v.version DESC)
                   FROM (SELECT *, lead(written_by) OVER later AS later_by, lead(written_at) OVER later AS later_at,
                                lead(reason) OVER later AS later_reason
                           FROM note_versions WHERE note_id = n.id WINDOW later AS (ORDER BY version)) v
                   LEFT JOIN signatures s ON s.note_id = v.note_id AND s.version = v.version),
    'addenda', (SELECT coalesce(json_agg(json_build_object(
                     'id', a.id, 'text', a.text, 'given_by', a.given_by, 'written_by', a.written_by,
                     'written_at', a.written_at) ORDER BY a.id), '[]')
                  FROM addenda a WHERE a.note_id = n.id)) AS note
  FROM notes n
 CROSS JOIN LATERAL (
       SELECT v.version, v.occurred_on,
              EXISTS (SELECT FROM signatures s WHERE s.note_id = v.note_id AND s.version = v.version) AS signed
         FROM note_versions v WHERE v.note_id = n.id ORDER BY v.version DESC LIMIT 1) AS cur
"""

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
       (SELECT coalesce(json_agg(page.note ORDER BY page.id DESC), '[]')::text FROM (""" + _NOTE_JSON + """
         WHERE n.id = ANY (ids.page[1:$3])) AS page) AS notes,
       CASE WHEN cardinality(ids.page) > $3 THEN ids.page[$3] END AS last_id
  FROM ids LEFT JOIN cases c ON c.case_id = $1
"""


async def case_notes(conn: asyncpg.Connection, case_id: UUID, *, after: UUID | None, limit: int) -> CaseNotes:
    """The case and up to `limit` of its notes, newest first, after the note `after` (of the page before)."""
    row = await conn.fetchrow(CASE_NOTES_QUERY, case_id, after, limit)
    return CaseNotes(case=_case(row), notes=row["notes"], last_id=row["last_id"])


async def full_note(conn: asyncpg.Connection, note_id: UUID) -> str | None:
    """One note as JSON text, removed or not; the caller decides who may see which."""
    return await conn.fetchval("SELECT note::text FROM (" + _NOTE_JSON + " WHERE n.id = $1) AS one", note_id)


def new_note(note_id: UUID, case_id: UUID, first: Version) -> str:
    """A note just written, as _NOTE_JSON would show it, without asking the database: its one
    version; nothing signed, struck, added or removed."""
    return json.dumps({
        "id": str(note_id), "case_id": str(case_id), "author": first.written_by,
        "created_at": first.written_at.isoformat(), "current_version": 1,
        "occurred_on": first.occurred_on.isoformat(), "signed": False,
        "removed": False, "removed_at": None, "removed_by": None, "removal_reason": None,
        "versions": [{"version": 1, "text": first.text, "occurred_on": first.occurred_on.isoformat(),
                      "written_by": first.written_by, "written_at": first.written_at.isoformat(), "reason": None,
                      "signed_by": None, "signed_at": None,
                      "struck": False, "struck_by": None, "struck_at": None, "struck_reason": None}],
        "addenda": []}, ensure_ascii=False)
