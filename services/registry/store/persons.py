"""SQL for persons."""
from datetime import date, datetime
from uuid import UUID

import asyncpg

from services.registry.store import access_log


async def insert(conn: asyncpg.Connection, *, person_id: UUID, pin: str, birth_date: date,
                 first_name: str, last_name: str, street: str | None, postal_code: str | None,
                 city: str | None, protected_identity: bool, created_by: str,
                 created_at: datetime) -> asyncpg.Record | None:
    """The new person, or None when the number is already registered. `created_at` is the
    service's clock, as every other date of the registry (culling counts from it)."""
    return await conn.fetchrow(
        "INSERT INTO persons (id, pin, birth_date, first_name, last_name, street, postal_code, city,"
        " protected_identity, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        " ON CONFLICT (pin) DO NOTHING RETURNING *",
        person_id, pin, birth_date, first_name, last_name, street, postal_code, city,
        protected_identity, created_by, created_at,
    )


async def get(conn: asyncpg.Connection, person_id: UUID, *,
              logged: access_log.FiledRead | None = None) -> asyncpg.Record | None:
    """The person; with `logged`, the read's access-log entry filed in the same statement (none
    when there is no such person)."""
    if logged is None:
        return await conn.fetchrow("SELECT * FROM persons WHERE id = $1", person_id)
    p = access_log.Params()
    person = p(person_id, "::uuid")
    return await conn.fetchrow(f"WITH {access_log.filed(p, person=person, **vars(logged))}"
                               f" SELECT * FROM persons WHERE id = {person}", *p)


async def by_pin(conn: asyncpg.Connection, pin: str, *,
                 logged: access_log.FiledRead | None = None) -> asyncpg.Record | None:
    """The person with the number; with `logged` (the entry of a lookup that found no one), the
    lookup's one access-log entry filed in the same statement (`access_log.filed_lookup`)."""
    if logged is None:
        return await conn.fetchrow("SELECT * FROM persons WHERE pin = $1", pin)
    p = access_log.Params([pin])
    filed = access_log.filed_lookup(p, person="(SELECT id FROM found)", **vars(logged))
    return await conn.fetchrow(f"WITH found AS (SELECT * FROM persons WHERE pin = $1), {filed} SELECT * FROM found", *p)


async def insert_address_grant(conn: asyncpg.Connection, *, grant_id: UUID, person_id: UUID, grantee: str,
                               unit: str, reason: str, granted_by: str, granted_at: datetime,
                               valid_until: datetime) -> asyncpg.Record:
    return await conn.fetchrow(
        "INSERT INTO address_grants (id, person_id, grantee, unit, reason, granted_by, granted_at, valid_until)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *",
        grant_id, person_id, grantee, unit, reason, granted_by, granted_at, valid_until)


async def active_address_grant(conn: asyncpg.Connection, person_id: UUID, grantee: str,
                               at: datetime) -> asyncpg.Record | None:
    """The grantee's grant for the person's address in force at `at` (the latest, if several)."""
    return await conn.fetchrow(
        "SELECT * FROM address_grants WHERE person_id = $1 AND grantee = $2 AND revoked_at IS NULL"
        " AND granted_at <= $3 AND valid_until > $3 ORDER BY granted_at DESC, id DESC LIMIT 1",
        person_id, grantee, at)


async def address_grants(conn: asyncpg.Connection, person_id: UUID, *, unit: str | None,
                         after: tuple | None, limit: int) -> list[asyncpg.Record]:
    """A person's grants, newest first, in one unit (None: every unit); limit + 1 rows."""
    return await conn.fetch(
        "SELECT * FROM address_grants WHERE person_id = $1 AND ($2::text IS NULL OR unit = $2)"
        " AND ($3::timestamptz IS NULL OR (granted_at, id) < ($3, $4)) ORDER BY granted_at DESC, id DESC LIMIT $5",
        person_id, unit, after[0] if after else None, after[1] if after else None, limit + 1)


async def revoke_address_grant(conn: asyncpg.Connection, grant_id: UUID, person_id: UUID, *, by: str,
                               at: datetime, reason: str) -> asyncpg.Record | None:
    """The grant as revoked now; None when there is no such grant or it was revoked before."""
    return await conn.fetchrow(
        "UPDATE address_grants SET revoked_by = $3, revoked_at = $4, revoke_reason = $5"
        " WHERE id = $1 AND person_id = $2 AND revoked_at IS NULL RETURNING *",
        grant_id, person_id, by, at, reason)


async def address_grant(conn: asyncpg.Connection, grant_id: UUID, person_id: UUID | None = None, *,
                        for_update: bool = False) -> asyncpg.Record | None:
    """The grant; with `person_id`, only if it is of that person's address."""
    lock = " FOR UPDATE" if for_update else ""
    return await conn.fetchrow("SELECT * FROM address_grants WHERE id = $1 AND ($2::uuid IS NULL OR person_id = $2)"
                               + lock, grant_id, person_id)
