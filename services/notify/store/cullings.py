"""SQL for culling (gallring) what notify holds about a person: the orders of their cases (it knows
the cases by id only, from order.sent), and the deliveries and in-app notices about those orders."""
from datetime import datetime
from uuid import UUID

import asyncpg

CULL = """
WITH person_orders AS (SELECT order_id FROM orders WHERE case_id = ANY($1::uuid[])),
     person_deliveries AS (SELECT id FROM deliveries WHERE order_id IN (SELECT order_id FROM person_orders)),
     person_notifications AS (SELECT id FROM notifications
                               WHERE order_id IN (SELECT order_id FROM person_orders)
                                  OR delivery_id IN (SELECT id FROM person_deliveries)),
     reads_gone AS (DELETE FROM notification_reads
                     WHERE notification_id IN (SELECT id FROM person_notifications) RETURNING 1),
     notifications_gone AS (DELETE FROM notifications WHERE id IN (SELECT id FROM person_notifications) RETURNING 1),
     deliveries_gone AS (DELETE FROM deliveries WHERE id IN (SELECT id FROM person_deliveries) RETURNING 1),
     orders_gone AS (DELETE FROM orders WHERE order_id IN (SELECT order_id FROM person_orders) RETURNING 1)
SELECT (SELECT count(*) FROM deliveries_gone) AS deliveries, (SELECT count(*) FROM notifications_gone) AS notifications,
       (SELECT count(*) FROM reads_gone) AS reads, (SELECT count(*) FROM orders_gone) AS orders
"""


async def begin(conn: asyncpg.Connection, *, culling_id: UUID, culled_at: datetime) -> bool:
    """False when notify has carried out this culling before."""
    row = await conn.fetchrow("INSERT INTO cullings (culling_id, counts, culled_at) VALUES ($1, '{}', $2)"
                              " ON CONFLICT (culling_id) DO NOTHING RETURNING culling_id", culling_id, culled_at)
    return row is not None


async def cull(conn: asyncpg.Connection, *, culling_id: UUID, case_ids: list[UUID]) -> dict[str, int]:
    row = await conn.fetchrow(CULL, case_ids)
    counts = {key: int(value) for key, value in row.items()}
    await conn.execute("UPDATE cullings SET counts = $2 WHERE culling_id = $1", culling_id, counts)
    return counts
