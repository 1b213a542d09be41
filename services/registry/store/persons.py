"""SQL for persons."""
from datetime import date
from uuid import UUID

import asyncpg


async def insert(conn: asyncpg.Connection, *, person_id: UUID, pin: str, birth_date: date,
                 first_name: str, last_name: str, street: str | None, postal_code: str | None,
                 city: str | None, protected_identity: bool, created_by: str) -> asyncpg.Record | None:
    """The new person, or None when the number is already registered."""
    return await conn.fetchrow(
        "INSERT INTO persons (id, pin, birth_date, first_name, last_name, street, postal_code, city,"
        " protected_identity, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        " ON CONFLICT (pin) DO NOTHING RETURNING *",
        person_id, pin, birth_date, first_name, last_name, street, postal_code, city,
        protected_identity, created_by,
    )


async def get(conn: asyncpg.Connection, person_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM persons WHERE id = $1", person_id)


async def by_pin(conn: asyncpg.Connection, pin: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM persons WHERE pin = $1", pin)


async def units_with_case(conn: asyncpg.Connection, person_id: UUID) -> list[str]:
    """Units that have a case (not removed) for the person: the basis for seeing a protected address."""
    rows = await conn.fetch("SELECT DISTINCT unit FROM cases WHERE person_id = $1 AND removed_at IS NULL",
                            person_id)
    return [r["unit"] for r in rows]
