"""SQL for culling (gallring) a person's notes: the only deletion the journal's triggers permit,
and only in the transaction that inserted the culling (services/journal/migrations/004_cullings.sql)."""
from datetime import datetime
from uuid import UUID

import asyncpg


async def begin(conn: asyncpg.Connection, *, culling_id: UUID, person_id: UUID, person_ref: str | None,
                culled_at: datetime) -> bool:
    """The culling's row, which permits this transaction to delete the person's notes; False when
    the journal has culled it before."""
    row = await conn.fetchrow(
        "INSERT INTO cullings (culling_id, person_id, person_ref, culled_at) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (culling_id) DO NOTHING RETURNING culling_id", culling_id, person_id, person_ref, culled_at)
    return row is not None


async def cull(conn: asyncpg.Connection, *, culling_id: UUID, person_id: UUID, person_ref: str | None) -> dict[str, int]:
    """Delete the person's notes, versions, signatures, addenda and cases (those the journal knows by
    the person's id, or by person_ref for a case that came without one); the rows deleted, per kind.
    The culling's row then forgets whose it was and keeps the counts."""
    # Locked first: a note being written on one of the cases now waits, then finds it gone.
    case_ids = [r["case_id"] for r in await conn.fetch(
        "SELECT case_id FROM cases WHERE person_id = $1 OR ($2::text IS NOT NULL AND person_ref = $2) FOR UPDATE",
        person_id, person_ref)]
    note_ids = [r["id"] for r in await conn.fetch("SELECT id FROM notes WHERE case_id = ANY($1::uuid[])", case_ids)]
    counts = {}
    for kind, sql in (
            ("signatures", "DELETE FROM signatures WHERE note_id = ANY($1::uuid[])"),
            ("addenda", "DELETE FROM addenda WHERE note_id = ANY($1::uuid[])"),
            ("versions", "DELETE FROM note_versions WHERE note_id = ANY($1::uuid[])"),
            ("notes", "DELETE FROM notes WHERE id = ANY($1::uuid[])")):
        counts[kind] = _count(await conn.execute(sql, note_ids))
    counts["cases"] = _count(await conn.execute("DELETE FROM cases WHERE case_id = ANY($1::uuid[])", case_ids))
    await conn.execute("UPDATE cullings SET person_id = NULL, person_ref = NULL, counts = $2 WHERE culling_id = $1",
                       culling_id, counts)
    return counts


def _count(status: str) -> int:
    return int(status.rsplit(" ", 1)[-1])
