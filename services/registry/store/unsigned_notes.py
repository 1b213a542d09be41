"""SQL for the journal's unsigned notes as the registry keeps them (migration 014)."""
from datetime import datetime
from uuid import UUID

import asyncpg


async def unsigned(conn: asyncpg.Connection, *, note_id: UUID, case_id: UUID, author: str, version: int,
                   since: datetime, unit: str | None) -> None:
    """A version of the note waits for its signature, in its case's unit (the registry's own case,
    else `unit` from the event); an older event arriving late changes nothing."""
    await conn.execute(
        "INSERT INTO unsigned_notes (note_id, case_id, unit, author, version, unsigned_since)"
        " SELECT $1, $2, u.unit, $3, $4, $5"
        "   FROM (SELECT COALESCE((SELECT unit FROM cases WHERE id = $2), $6::text) AS unit) u"
        "  WHERE u.unit IS NOT NULL"
        " ON CONFLICT (note_id) DO UPDATE SET author = EXCLUDED.author, version = EXCLUDED.version,"
        "   unsigned_since = EXCLUDED.unsigned_since WHERE unsigned_notes.version < EXCLUDED.version",
        note_id, case_id, author, version, since, unit)


async def signed(conn: asyncpg.Connection, *, note_id: UUID, version: int) -> None:
    await conn.execute("DELETE FROM unsigned_notes WHERE note_id = $1 AND version <= $2", note_id, version)


async def removed(conn: asyncpg.Connection, note_id: UUID) -> None:
    await conn.execute("DELETE FROM unsigned_notes WHERE note_id = $1", note_id)
