"""SQL for the journal's read model of cases."""
from datetime import date, datetime
from uuid import UUID

import asyncpg


async def insert_open(conn: asyncpg.Connection, *, case_id: UUID, unit: str, kind: str, opened_on: date,
                      person_id: UUID | None = None, person_ref: str | None = None) -> None:
    # A plain INSERT: the inbox guarantees one call per event, and a second one should fail loudly.
    await conn.execute(
        "INSERT INTO cases (case_id, unit, kind, status, opened_on, person_id, person_ref)"
        " VALUES ($1, $2, $3, 'open', $4, $5, $6)",
        case_id, unit, kind, opened_on, person_id, person_ref,
    )


async def mark_closed(conn: asyncpg.Connection, *, case_id: UUID, closed_on: date) -> None:
    await conn.execute("UPDATE cases SET status = 'closed', closed_on = $2 WHERE case_id = $1",
                       case_id, closed_on)


async def mark_removed(conn: asyncpg.Connection, *, case_id: UUID, removed_at: datetime) -> None:
    await conn.execute("UPDATE cases SET removed_at = $2 WHERE case_id = $1", case_id, removed_at)


async def mark_restored(conn: asyncpg.Connection, *, case_id: UUID) -> None:
    await conn.execute("UPDATE cases SET removed_at = NULL WHERE case_id = $1", case_id)



async def person_of_ref(conn: asyncpg.Connection, person_ref: str) -> UUID | None:
    """The registry's id of the person a reference names, when a case of theirs is known."""
    return await conn.fetchval("SELECT person_id FROM cases WHERE person_ref = $1 AND person_id IS NOT NULL"
                               " LIMIT 1", person_ref)


async def set_person_ref(conn: asyncpg.Connection, *, case_id: UUID, person_ref: str) -> None:
    """A case opened before its event carried the person reference gets it (case.person_ref_set)."""
    await conn.execute("UPDATE cases SET person_ref = $2 WHERE case_id = $1 AND person_ref IS DISTINCT FROM $2",
                       case_id, person_ref)


async def move_person(conn: asyncpg.Connection, *, case_id: UUID, person_id: UUID, person_ref: str) -> None:
    """A case registered under the wrong person is now the right person's (case.person_moved)."""
    await conn.execute("UPDATE cases SET person_id = $2, person_ref = $3 WHERE case_id = $1", case_id, person_id,
                       person_ref)
