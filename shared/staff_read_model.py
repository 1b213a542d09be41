"""The staff directory and covers (ersättare) as the watch and notify keep them from the registry's
events: the same two tables (`staff`, `covers`) in each service's own schema, written the same way."""
from datetime import date
from uuid import UUID

import asyncpg

from shared.events.catalog import CoverEnded, CoverGranted, StaffChanged
from shared.unit_of_work import UnitOfWork


async def record_member(uow: UnitOfWork, data: StaffChanged) -> None:
    """The whole entry as it now stands; an older change arriving late does not undo a newer one."""
    async with uow:
        await _record_member(uow.conn, data)


async def grant_cover(uow: UnitOfWork, data: CoverGranted) -> None:
    async with uow:
        await _grant_cover(uow.conn, data)


async def end_cover(uow: UnitOfWork, data: CoverEnded) -> None:
    """An end that arrives before its grant is kept, and the grant then fills in the rest."""
    async with uow:
        await _end_cover(uow.conn, cover_id=data.cover_id, unit=data.unit, absent=data.absent, cover=data.cover,
                         ended_on=data.ended_on)


async def _record_member(conn: asyncpg.Connection, data: StaffChanged) -> None:
    """The whole entry as it now stands; an older change arriving late does not undo a newer one."""
    await conn.execute(
        "INSERT INTO staff (subject, name, title, unit, email, supervisor, active_from, active_to, changed_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        " ON CONFLICT (subject) DO UPDATE SET name = EXCLUDED.name, title = EXCLUDED.title, unit = EXCLUDED.unit,"
        "  email = EXCLUDED.email, supervisor = EXCLUDED.supervisor, active_from = EXCLUDED.active_from,"
        "  active_to = EXCLUDED.active_to, changed_at = EXCLUDED.changed_at"
        " WHERE staff.changed_at <= EXCLUDED.changed_at",
        data.subject, data.name, data.title, data.unit, data.email, data.supervisor, data.active_from,
        data.active_to, data.changed_at)


async def _grant_cover(conn: asyncpg.Connection, data: CoverGranted) -> None:
    await conn.execute(
        "INSERT INTO covers (cover_id, unit, absent, cover, from_date, to_date) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (cover_id) DO UPDATE SET unit = EXCLUDED.unit, absent = EXCLUDED.absent,"
        "  cover = EXCLUDED.cover, from_date = EXCLUDED.from_date, to_date = EXCLUDED.to_date",
        data.cover_id, data.unit, data.absent, data.cover, data.from_date, data.to_date)


async def _end_cover(conn: asyncpg.Connection, *, cover_id: UUID, unit: str, absent: str, cover: str,
                    ended_on: date) -> None:
    await conn.execute(
        "INSERT INTO covers (cover_id, unit, absent, cover, ended_on) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (cover_id) DO UPDATE SET ended_on = EXCLUDED.ended_on",
        cover_id, unit, absent, cover, ended_on)
