"""SQL for providers' webhook key versions (never the secrets)."""
from datetime import datetime
from uuid import UUID

import asyncpg


async def remember(conn: asyncpg.Connection, *, provider_id: UUID, key_version: int, rotated_at: datetime) -> None:
    """Keeps the highest version seen, so an event arriving late never brings back an old key."""
    await conn.execute(
        "INSERT INTO provider_webhook_keys (provider_id, key_version, rotated_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (provider_id) DO UPDATE SET key_version = EXCLUDED.key_version,"
        " rotated_at = EXCLUDED.rotated_at WHERE provider_webhook_keys.key_version < EXCLUDED.key_version",
        provider_id, key_version, rotated_at,
    )


async def version(conn: asyncpg.Connection, provider_id: UUID) -> int:
    found = await conn.fetchval("SELECT key_version FROM provider_webhook_keys WHERE provider_id = $1", provider_id)
    return found or 0
