"""SQL for cases."""
from datetime import date
from uuid import UUID

import asyncpg


async def insert(conn: asyncpg.Connection, *, case_id: UUID, unit: str, kind: str,
                 person_id: UUID | None, opened_on: date, opened_by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        "INSERT INTO cases (id, unit, kind, person_id, opened_on, opened_by)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
        case_id, unit, kind, person_id, opened_on, opened_by,
    )


async def get(conn: asyncpg.Connection, case_id: UUID, *, for_update: bool = False) -> asyncpg.Record | None:
    lock = " FOR UPDATE" if for_update else ""
    return await conn.fetchrow(f"SELECT * FROM cases WHERE id = $1{lock}", case_id)


async def close(conn: asyncpg.Connection, case_id: UUID, *, closed_on: date, closed_by: str,
                reason: str) -> asyncpg.Record:
    return await conn.fetchrow(
        "UPDATE cases SET status = 'closed', closed_on = $2, closed_by = $3, close_reason = $4"
        " WHERE id = $1 RETURNING *",
        case_id, closed_on, closed_by, reason,
    )
