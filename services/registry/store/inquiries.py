"""SQL for inquiries (aktualiseringar)."""
from datetime import date, datetime
from uuid import UUID

import asyncpg


async def insert(conn: asyncpg.Connection, *, inquiry_id: UUID, person_id: UUID, unit: str, kind: str,
                 received_on: date, summary: str | None, recorded_by: str,
                 assessment_due_on: date | None, protection_due_on: date | None) -> asyncpg.Record:
    return await conn.fetchrow(
        "INSERT INTO inquiries (id, person_id, unit, kind, received_on, summary, recorded_by, assessment_due_on,"
        " protection_due_on, caseworker) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $7) RETURNING *",
        inquiry_id, person_id, unit, kind, received_on, summary, recorded_by, assessment_due_on, protection_due_on,
    )


async def get(conn: asyncpg.Connection, inquiry_id: UUID, *, for_update: bool = False) -> asyncpg.Record | None:
    lock = " FOR UPDATE" if for_update else ""
    return await conn.fetchrow(f"SELECT * FROM inquiries WHERE id = $1{lock}", inquiry_id)


async def assess(conn: asyncpg.Connection, inquiry_id: UUID, *, assessed_on: date, outcome: str, reasons: str,
                 assessed_by: str, recorded_at: datetime) -> asyncpg.Record:
    return await conn.fetchrow(
        "UPDATE inquiries SET assessed_on = $2, assessment_outcome = $3, assessment_reasons = $4, assessed_by = $5,"
        " assessment_recorded_at = $6 WHERE id = $1 RETURNING *",
        inquiry_id, assessed_on, outcome, reasons, assessed_by, recorded_at,
    )


async def assess_protection(conn: asyncpg.Connection, inquiry_id: UUID, *, needed: bool, reasons: str,
                            assessed_by: str, assessed_at: datetime) -> asyncpg.Record:
    return await conn.fetchrow(
        "UPDATE inquiries SET protection_needed = $2, protection_reasons = $3, protection_assessed_by = $4,"
        " protection_assessed_at = $5 WHERE id = $1 RETURNING *",
        inquiry_id, needed, reasons, assessed_by, assessed_at,
    )


async def extend_assessment(conn: asyncpg.Connection, inquiry_id: UUID, *, due_on: date) -> asyncpg.Record:
    return await conn.fetchrow("UPDATE inquiries SET assessment_due_on = $2 WHERE id = $1 RETURNING *",
                               inquiry_id, due_on)


async def link_investigation(conn: asyncpg.Connection, inquiry_id: UUID, investigation_id: UUID) -> asyncpg.Record:
    await conn.execute("UPDATE investigations SET inquiry_id = $2 WHERE id = $1", investigation_id, inquiry_id)
    return await conn.fetchrow("UPDATE inquiries SET investigation_id = $2 WHERE id = $1 RETURNING *",
                               inquiry_id, investigation_id)


async def of_case(conn: asyncpg.Connection, case_id: UUID, *, after: tuple | None,
                  limit: int) -> list[asyncpg.Record]:
    """The inquiries that led to an investigation of the case, oldest first; `after` is the
    (received_on, id) of the last one already shown."""
    received_on, inquiry_id = after or (None, None)
    return await conn.fetch(
        "SELECT q.* FROM inquiries q JOIN investigations i ON i.id = q.investigation_id WHERE i.case_id = $1"
        " AND ($2::date IS NULL OR (q.received_on, q.id) > ($2::date, $3::uuid))"
        " ORDER BY q.received_on, q.id LIMIT $4",
        case_id, received_on, inquiry_id, limit)
