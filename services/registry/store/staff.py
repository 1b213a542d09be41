"""SQL for the staff directory and covers."""
from datetime import date, datetime
from uuid import UUID

import asyncpg


async def get(conn: asyncpg.Connection, subject: str, *, for_update: bool = False) -> asyncpg.Record | None:
    lock = " FOR UPDATE" if for_update else ""
    return await conn.fetchrow(f"SELECT * FROM staff WHERE subject = $1{lock}", subject)


async def member_of(conn: asyncpg.Connection, subject: str, unit: str) -> tuple[asyncpg.Record | None, bool]:
    """The subject's entry (None when unknown) and whether the directory has anyone in `unit`,
    in one round trip."""
    row = await conn.fetchrow(
        "SELECT EXISTS (SELECT 1 FROM staff WHERE unit = $2) AS unit_in_directory, s.subject, s.unit,"
        " s.active_from, s.active_to FROM (SELECT 1) AS one LEFT JOIN staff s ON s.subject = $1", subject, unit)
    return (row if row["subject"] is not None else None), row["unit_in_directory"]


async def upsert(conn: asyncpg.Connection, *, subject: str, name: str, title: str | None, unit: str,
                 email: str | None, supervisor: str | None, delegation_level: str, active_from: date,
                 active_to: date | None, changed_by: str, changed_at: datetime) -> asyncpg.Record:
    return await conn.fetchrow(
        "INSERT INTO staff (subject, name, title, unit, email, supervisor, delegation_level, active_from,"
        " active_to, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        " ON CONFLICT (subject) DO UPDATE SET name = $2, title = $3, unit = $4, email = $5, supervisor = $6,"
        " delegation_level = $7, active_from = $8, active_to = $9, changed_by = $10, changed_at = $11"
        " RETURNING *",
        subject, name, title, unit, email, supervisor, delegation_level, active_from, active_to, changed_by,
        changed_at)


async def listed(conn: asyncpg.Connection, *, unit: str | None, after: tuple | None,
                 limit: int) -> list[asyncpg.Record]:
    """By subject; `after` is the subject of the last one already shown."""
    (subject,) = after or (None,)
    return await conn.fetch(
        "SELECT * FROM staff WHERE ($1::text IS NULL OR unit = $1) AND ($2::text IS NULL OR subject > $2)"
        " ORDER BY subject LIMIT $3", unit, subject, limit)


async def insert_cover(conn: asyncpg.Connection, *, cover_id: UUID, unit: str, absent: str, cover: str,
                       from_date: date, to_date: date, granted_by: str, granted_at: datetime) -> asyncpg.Record:
    return await conn.fetchrow(
        "INSERT INTO covers (id, unit, absent, cover, from_date, to_date, granted_by, granted_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *",
        cover_id, unit, absent, cover, from_date, to_date, granted_by, granted_at)


async def get_cover(conn: asyncpg.Connection, cover_id: UUID, *, for_update: bool = False) -> asyncpg.Record | None:
    lock = " FOR UPDATE" if for_update else ""
    return await conn.fetchrow(f"SELECT * FROM covers WHERE id = $1{lock}", cover_id)


async def end_cover(conn: asyncpg.Connection, cover_id: UUID, *, ended_on: date, ended_by: str,
                    ended_at: datetime) -> asyncpg.Record:
    return await conn.fetchrow("UPDATE covers SET ended_on = $2, ended_by = $3, ended_at = $4 WHERE id = $1"
                               " RETURNING *", cover_id, ended_on, ended_by, ended_at)


async def covers(conn: asyncpg.Connection, *, unit: str | None, active_on: date | None, after: tuple | None,
                 limit: int) -> list[asyncpg.Record]:
    """By from_date and id; `active_on`: only those that hold that day (not ended before or on it)."""
    from_date, cover_id = after or (None, None)
    return await conn.fetch(
        "SELECT * FROM covers WHERE ($1::text IS NULL OR unit = $1)"
        " AND ($2::date IS NULL OR (from_date <= $2 AND $2 <= to_date AND (ended_on IS NULL OR $2 < ended_on)))"
        " AND ($3::date IS NULL OR (from_date, id) > ($3::date, $4::uuid))"
        " ORDER BY from_date, id LIMIT $5", unit, active_on, from_date, cover_id, limit)


async def of_subjects(conn: asyncpg.Connection, subjects) -> dict[str, asyncpg.Record]:
    """The directory's entries of these subjects, by subject (those it does not know are left out)."""
    wanted = sorted({s for s in subjects if s is not None})
    if not wanted:
        return {}
    rows = await conn.fetch("SELECT * FROM staff WHERE subject = ANY($1::text[])", wanted)
    return {r["subject"]: r for r in rows}


# Decisions above their maker's delegation

async def set_delegation(conn: asyncpg.Connection, decision_id: UUID, *, status: str,
                         required_level: str) -> asyncpg.Record:
    return await conn.fetchrow("UPDATE decisions SET status = $2, required_level = $3 WHERE id = $1 RETURNING *",
                               decision_id, status, required_level)


async def approve(conn: asyncpg.Connection, decision_id: UUID, *, by: str, at: datetime) -> asyncpg.Record:
    return await conn.fetchrow("UPDATE decisions SET status = 'in_force', approved_by = $2, approved_at = $3"
                               " WHERE id = $1 RETURNING *", decision_id, by, at)


async def refuse(conn: asyncpg.Connection, decision_id: UUID, *, by: str, at: datetime,
                 reason: str) -> asyncpg.Record:
    return await conn.fetchrow("UPDATE decisions SET status = 'refused', refused_by = $2, refused_at = $3,"
                               " refusal_reason = $4 WHERE id = $1 RETURNING *", decision_id, by, at, reason)
