"""SQL for notify's read model of orders and their provider contacts."""
from uuid import UUID

import asyncpg

from services.notify.domain.plan import ProviderContact


async def remember_order(conn: asyncpg.Connection, *, order_id: UUID, case_id: UUID, provider_id: UUID,
                         email: str, webhook_url: str | None, caseworker: str | None,
                         unit: str | None) -> ProviderContact:
    return _contact(await conn.fetchrow(
        "INSERT INTO orders (order_id, case_id, provider_id, email, webhook_url, caseworker, unit)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (order_id) DO UPDATE SET provider_id = EXCLUDED.provider_id, email = EXCLUDED.email,"
        " webhook_url = EXCLUDED.webhook_url, caseworker = EXCLUDED.caseworker,"
        " unit = COALESCE(EXCLUDED.unit, orders.unit), updated_at = now() RETURNING *",
        order_id, case_id, provider_id, email, webhook_url, caseworker, unit,
    ))


async def mark_opened(conn: asyncpg.Connection, order_id: UUID) -> None:
    await conn.execute("UPDATE orders SET opened = true, updated_at = now() WHERE order_id = $1", order_id)


async def contact(conn: asyncpg.Connection, order_id: UUID) -> ProviderContact | None:
    row = await conn.fetchrow("SELECT * FROM orders WHERE order_id = $1", order_id)
    return None if row is None else _contact(row)


def _contact(row: asyncpg.Record) -> ProviderContact:
    return ProviderContact(order_id=row["order_id"], provider_id=row["provider_id"], email=row["email"],
                           webhook_url=row["webhook_url"], caseworker=row["caseworker"], unit=row["unit"])
