"""SQL for the journal's read model of cases."""
from datetime import date
from uuid import UUID

import asyncpg


async def insert_open(conn: asyncpg.Connection, *, case_id: UUID, unit: str, kind: str, opened_on: date) -> None:
    # A plain INSERT: the inbox guarantees one call per event, and a second one should fail loudly.
    await conn.execute(
        "INSERT INTO cases (case_id, unit, kind, status, opened_on) VALUES ($1, $2, $3, 'open', $4)",
        case_id, unit, kind, opened_on,
    )


async def mark_closed(conn: asyncpg.Connection, *, case_id: UUID, closed_on: date) -> None:
    await conn.execute("UPDATE cases SET status = 'closed', closed_on = $2 WHERE case_id = $1",
                       case_id, closed_on)
