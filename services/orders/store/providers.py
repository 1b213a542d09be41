"""SQL for providers (utförare)."""
from datetime import datetime
from uuid import UUID

import asyncpg


async def insert(conn: asyncpg.Connection, *, provider_id: UUID, name: str, organisation_number: str, email: str,
                 webhook_url: str | None, interventions: list[str], registered_by: str,
                 registered_at: datetime) -> asyncpg.Record | None:
    """None if a provider with that organisation number is already registered."""
    return await conn.fetchrow(
        "INSERT INTO providers (id, name, organisation_number, email, webhook_url, interventions, registered_by,"
        " registered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (organisation_number) DO NOTHING RETURNING *",
        provider_id, name, organisation_number, email, webhook_url, interventions, registered_by, registered_at,
    )


async def get(conn: asyncpg.Connection, provider_id: UUID, *, for_update: bool = False) -> asyncpg.Record | None:
    lock = " FOR UPDATE" if for_update else ""
    return await conn.fetchrow(f"SELECT * FROM providers WHERE id = $1{lock}", provider_id)


async def page(conn: asyncpg.Connection, *, intervention: str | None, after: tuple[str, UUID] | None,
               limit: int) -> list[asyncpg.Record]:
    """Providers by name and id, optionally only those offering `intervention`; keyset-paged after
    the (name, id) of the last one shown."""
    name, provider_id = after or (None, None)
    return await conn.fetch(
        "SELECT * FROM providers p"
        " WHERE ($1::text IS NULL OR $1 = ANY (p.interventions))"
        "   AND ($2::text IS NULL OR (p.name, p.id) > ($2, $3::uuid))"
        " ORDER BY p.name, p.id LIMIT $4",
        intervention, name, provider_id, limit,
    )


async def rotate_webhook_key(conn: asyncpg.Connection, provider_id: UUID, *, rotated_by: str,
                             rotated_at: datetime) -> asyncpg.Record | None:
    """The provider with its webhook key version raised by one; None if there is no such provider."""
    return await conn.fetchrow(
        "UPDATE providers SET webhook_key_version = webhook_key_version + 1, webhook_key_rotated_at = $2,"
        " webhook_key_rotated_by = $3 WHERE id = $1 RETURNING *",
        provider_id, rotated_at, rotated_by,
    )
