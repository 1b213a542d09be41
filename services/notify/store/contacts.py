"""SQL for notify's read model of orders and their provider contacts."""
from datetime import datetime
from uuid import UUID

import asyncpg

from services.notify.domain.deliveries import Delivery
from services.notify.domain.plan import ProviderContact
from services.notify.store.deliveries import QUEUE, queue_arguments


async def remember_order(conn: asyncpg.Connection, contact: ProviderContact, *, case_id: UUID,
                         queuing: list[Delivery], at: datetime) -> int:
    """Remember the order's provider contact (for the notices that may follow: a recall, the
    order's end, a voided report) and queue `queuing`, the deliveries about the order, in one
    statement (the contact in a data-modifying WITH before deliveries.QUEUE), so the handler of a
    sent order makes one round trip. A contact already known takes the new one; a unit left out
    keeps the one known. Returns how many deliveries were queued."""
    return len(await conn.fetch(
        "WITH remembered AS (INSERT INTO orders (order_id, case_id, provider_id, email, webhook_url, caseworker, unit)"
        " VALUES ($12, $13, $14, $15, $16, $17, $18)"
        " ON CONFLICT (order_id) DO UPDATE SET provider_id = EXCLUDED.provider_id, email = EXCLUDED.email,"
        " webhook_url = EXCLUDED.webhook_url, caseworker = EXCLUDED.caseworker,"
        " unit = COALESCE(EXCLUDED.unit, orders.unit), updated_at = now()) " + QUEUE,
        *queue_arguments(queuing, at), contact.order_id, case_id, contact.provider_id, contact.email,
        contact.webhook_url, contact.caseworker, contact.unit,
    ))


async def mark_opened(conn: asyncpg.Connection, order_id: UUID) -> None:
    await conn.execute("UPDATE orders SET opened = true, updated_at = now() WHERE order_id = $1", order_id)


async def contact(conn: asyncpg.Connection, order_id: UUID) -> ProviderContact | None:
    row = await conn.fetchrow("SELECT * FROM orders WHERE order_id = $1", order_id)
    return None if row is None else _contact(row)


def _contact(row: asyncpg.Record) -> ProviderContact:
    return ProviderContact(order_id=row["order_id"], provider_id=row["provider_id"], email=row["email"],
                           webhook_url=row["webhook_url"], caseworker=row["caseworker"], unit=row["unit"])
