"""SQL for notes. Append-only: versions, signatures and addenda are inserted, never updated
or deleted; a note row is updated once at most, to record its removal."""
from datetime import datetime
from uuid import UUID

import asyncpg

from services.journal.domain.notes import Version


async def write_context(conn: asyncpg.Connection, *, case_id: UUID, author: str,
                        idempotency_key: str) -> asyncpg.Record:
    """What a write needs to decide, in one round trip: the case (its columns are NULL when
    the journal does not know it) and the note an earlier request with this key made, if any."""
    return await conn.fetchrow(
        "SELECT c.case_id, c.unit, c.status, c.removed_at, c.person_id,"
        "       k.id AS earlier_id, k.request_hash AS earlier_hash, k.removed_at AS earlier_removed_at"
        "  FROM (SELECT) AS one"
        "  LEFT JOIN cases c ON c.case_id = $1"
        "  LEFT JOIN notes k ON k.author = $2 AND k.idempotency_key = $3",
        case_id, author, idempotency_key,
    )


async def note_by_key(conn: asyncpg.Connection, author: str, idempotency_key: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM notes WHERE author = $1 AND idempotency_key = $2",
                               author, idempotency_key)


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


async def get_note(conn: asyncpg.Connection, note_id: UUID, *, for_update: bool = False) -> asyncpg.Record | None:
    """The note with its case; `for_update` locks the note so actions on it take turns."""
    lock = " FOR UPDATE OF n" if for_update else ""
    return await conn.fetchrow(
        "SELECT n.*, c.unit, c.status = 'open' AS case_open, c.removed_at IS NOT NULL AS case_removed,"
        " c.person_id FROM notes n JOIN cases c USING (case_id) WHERE n.id = $1" + lock,
        note_id,
    )


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


async def addendum_by_key(conn: asyncpg.Connection, written_by: str, idempotency_key: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM addenda WHERE written_by = $1 AND idempotency_key = $2",
                               written_by, idempotency_key)


async def mark_removed(conn: asyncpg.Connection, note_id: UUID, *, removed_by: str, reason: str,
                       removed_at: datetime) -> None:
    await conn.execute(
        "UPDATE notes SET removed_at = $2, removed_by = $3, removal_reason = $4"
        " WHERE id = $1 AND removed_at IS NULL",
        note_id, removed_at, removed_by, reason,
    )


# A note with all its versions (each with its signature) and addenda, built in one query.
_FULL_NOTE = """
SELECT n.id, n.case_id, n.author, n.created_at, n.removed_at, n.removed_by, n.removal_reason,
       (SELECT json_agg(json_build_object(
                   'version', v.version, 'text', v.text, 'occurred_on', v.occurred_on,
                   'written_by', v.written_by, 'written_at', v.written_at, 'reason', v.reason,
                   'signed_by', s.signed_by, 'signed_at', s.signed_at) ORDER BY v.version DESC)
          FROM note_versions v LEFT JOIN signatures s USING (note_id, version)
         WHERE v.note_id = n.id) AS versions,
       (SELECT coalesce(json_agg(json_build_object(
                   'id', a.id, 'text', a.text, 'given_by', a.given_by,
                   'written_by', a.written_by, 'written_at', a.written_at) ORDER BY a.id), '[]')
          FROM addenda a WHERE a.note_id = n.id) AS addenda
  FROM notes n
"""

CASE_NOTES_QUERY = _FULL_NOTE + """
 WHERE n.case_id = $1 AND n.removed_at IS NULL AND ($2::uuid IS NULL OR n.id < $2)
 ORDER BY n.id DESC LIMIT $3
"""


async def case_notes(conn: asyncpg.Connection, case_id: UUID, *, before: UUID | None,
                     limit: int) -> list[asyncpg.Record]:
    """A page of a case's notes that are not removed, newest first."""
    return await conn.fetch(CASE_NOTES_QUERY, case_id, before, limit)


async def full_note(conn: asyncpg.Connection, note_id: UUID) -> asyncpg.Record | None:
    """One note as it is, removed or not; the caller decides who may see which."""
    return await conn.fetchrow(_FULL_NOTE + " WHERE n.id = $1", note_id)
