"""SQL for delivered time (återrapportering) and the reimbursement basis (ersättningsunderlag)."""
from datetime import date, datetime
from uuid import UUID

import asyncpg


async def price(conn: asyncpg.Connection, intervention: str, measure: str, on: date) -> asyncpg.Record | None:
    """The price in force on a day: the latest one that started on or before it."""
    return await conn.fetchrow(
        "SELECT * FROM prices WHERE intervention = $1 AND measure = $2 AND valid_from <= $3"
        " ORDER BY valid_from DESC LIMIT 1", intervention, measure, on)


async def prices(conn: asyncpg.Connection, *, after: tuple[str, str, date] | None,
                 limit: int) -> list[asyncpg.Record]:
    """Every price, by intervention, measure and start; keyset-paged after the key of the last one shown."""
    intervention, measure, valid_from = after or (None, None, None)
    return await conn.fetch(
        "SELECT * FROM prices WHERE $1::text IS NULL OR (intervention, measure, valid_from) > ($1, $2::text, $3::date)"
        " ORDER BY intervention, measure, valid_from LIMIT $4", intervention, measure, valid_from, limit)


async def insert(conn: asyncpg.Connection, *, delivery_id: UUID, order_id: UUID, delivered_on: date, measure: str,
                 quantity: int, reported_by: str, reported_at: datetime, idempotency_key: str | None,
                 request_hash: str | None) -> asyncpg.Record | None:
    """None when the key was already used for this order."""
    return await conn.fetchrow(
        "INSERT INTO deliveries (id, order_id, delivered_on, measure, quantity, reported_by, reported_at,"
        " idempotency_key, request_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        " ON CONFLICT (order_id, idempotency_key) DO NOTHING RETURNING *",
        delivery_id, order_id, delivered_on, measure, quantity, reported_by, reported_at, idempotency_key,
        request_hash,
    )


async def day_total(conn: asyncpg.Connection, order_id: UUID, delivered_on: date, measure: str) -> int:
    """What is already reported for the order on the day, in the measure (the order's row is locked)."""
    return await conn.fetchval("SELECT coalesce(sum(quantity), 0) FROM deliveries"
                               " WHERE order_id = $1 AND delivered_on = $2 AND measure = $3 AND voided_at IS NULL",
                               order_id, delivered_on, measure)


async def void_reported_after(conn: asyncpg.Connection, case_id: UUID, moment: datetime, *, reason: str,
                              at: datetime) -> list[asyncpg.Record]:
    """Void the case's delivery reports made after `moment` (kept, with why); the voided ones."""
    return await conn.fetch(
        "UPDATE deliveries d SET voided_at = $3, void_reason = $4 FROM orders o"
        " WHERE o.id = d.order_id AND o.case_id = $1 AND d.reported_at > $2 AND d.voided_at IS NULL"
        " RETURNING d.*, o.case_id, o.provider_id", case_id, moment, at, reason)


async def by_key(conn: asyncpg.Connection, order_id: UUID, idempotency_key: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM deliveries WHERE order_id = $1 AND idempotency_key = $2",
                               order_id, idempotency_key)


# One line per order, intervention, measure and price period in the month. The conditions
# repeat what reporting refuses (rule 4), so that nothing refused then can appear here by
# another way: only started orders (never recalled ones; ended ones keep what came before the
# end), only days inside the decision, nothing after the case closed, nothing voided (reported
# after the close, when orders learnt of it later), nothing on a removed case.
_LINES = """
WITH lines AS (
    SELECT d.order_id, o.person_id, o.intervention, d.measure, p.valid_from AS price_valid_from, p.price_ore, p.per_quantity,
           count(*) AS reports, sum(d.quantity) AS quantity
      FROM deliveries d
      JOIN orders o ON o.id = d.order_id
      JOIN decisions dc ON dc.decision_id = o.decision_id
      JOIN cases c ON c.case_id = o.case_id
      JOIN LATERAL (SELECT * FROM prices pr
                     WHERE pr.intervention = o.intervention AND pr.measure = d.measure
                       AND pr.valid_from <= d.delivered_on
                     ORDER BY pr.valid_from DESC LIMIT 1) p ON true
     WHERE o.provider_id = $1 AND d.delivered_on >= $2 AND d.delivered_on < $3
       AND o.state IN ('started', 'ended') AND d.delivered_on >= o.started_on AND d.voided_at IS NULL
       AND d.delivered_on >= dc.valid_from AND (dc.valid_to IS NULL OR d.delivered_on <= dc.valid_to)
       AND (c.closed_on IS NULL OR d.delivered_on <= c.closed_on) AND c.removed_at IS NULL
     GROUP BY d.order_id, o.person_id, o.intervention, d.measure, p.valid_from, p.price_ore, p.per_quantity
)
"""


async def basis(conn: asyncpg.Connection, provider_id: UUID, first: date, after_last: date, *,
                after_order: UUID | None, limit_orders: int) -> tuple[list[asyncpg.Record], int, int]:
    """The lines of at most `limit_orders` whole orders after `after_order`, by order; the month's
    total in öre over every line, and how many orders the month has. The total rounds each line
    half up, as `domain.reimbursements.amount_ore` does for the lines shown."""
    rows = await conn.fetch(_LINES + """
        SELECT l.* FROM lines l
         WHERE l.order_id IN (SELECT DISTINCT order_id FROM lines
                               WHERE $4::uuid IS NULL OR order_id > $4 ORDER BY order_id LIMIT $5)
         ORDER BY l.order_id, l.measure, l.price_valid_from""",
        provider_id, first, after_last, after_order, limit_orders)
    totals = await conn.fetchrow(_LINES + """
        SELECT coalesce(sum((2 * quantity * price_ore + per_quantity) / (2 * per_quantity)), 0) AS total,
               count(DISTINCT order_id) AS orders FROM lines""", provider_id, first, after_last)
    return rows, int(totals["total"]), totals["orders"]
