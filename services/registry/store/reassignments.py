"""SQL for the responsible caseworker of cases and inquiries and the history of handing them over."""
from datetime import datetime
from uuid import UUID

import asyncpg

_TABLES = {"case": "cases", "inquiry": "inquiries"}


async def reassign(conn: asyncpg.Connection, *, subject_type: str, subject_id: UUID, reassignment_id: UUID,
                   previous: str | None, caseworker: str, reason: str, by: str, at: datetime) -> asyncpg.Record:
    """Make `caseworker` responsible for the case or inquiry and keep the act; the updated row."""
    await conn.execute(
        "INSERT INTO reassignments (id, subject_type, subject_id, previous_caseworker, caseworker, reason,"
        " reassigned_by, reassigned_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        reassignment_id, subject_type, subject_id, previous, caseworker, reason, by, at)
    return await conn.fetchrow(f"UPDATE {_TABLES[subject_type]} SET caseworker = $2 WHERE id = $1 RETURNING *",
                               subject_id, caseworker)


async def history(conn: asyncpg.Connection, subject_id: UUID, *, after: tuple | None,
                  limit: int) -> list[asyncpg.Record]:
    """Oldest first; `after` is the (reassigned_at, id) of the last one already shown."""
    if after is None:
        return await conn.fetch("SELECT * FROM reassignments WHERE subject_id = $1"
                                " ORDER BY reassigned_at, id LIMIT $2", subject_id, limit)
    return await conn.fetch("SELECT * FROM reassignments WHERE subject_id = $1"
                            " AND (reassigned_at, id) > ($2::timestamptz, $3::uuid)"
                            " ORDER BY reassigned_at, id LIMIT $4", subject_id, *after, limit)
