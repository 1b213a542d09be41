"""SQL for culling (gallring) what orders holds about a person."""
from datetime import datetime
from uuid import UUID

import asyncpg

# The person's cases (by id, or by person_ref for a case that came without one), their decisions
# and orders, and each order's history and deliveries, in one statement: an order and the one
# that replaced it point at each other, checked at the statement's end.
CULL = """
WITH person_cases AS (SELECT case_id FROM cases WHERE person_id = $1 OR ($2::text IS NOT NULL AND person_ref = $2)),
     person_orders AS (SELECT id FROM orders WHERE person_id = $1 OR case_id IN (SELECT case_id FROM person_cases)),
     history AS (DELETE FROM order_history WHERE order_id IN (SELECT id FROM person_orders) RETURNING 1),
     deliveries_gone AS (DELETE FROM deliveries WHERE order_id IN (SELECT id FROM person_orders) RETURNING 1),
     orders_gone AS (DELETE FROM orders WHERE id IN (SELECT id FROM person_orders) RETURNING 1),
     decisions_gone AS (DELETE FROM decisions
                         WHERE person_id = $1 OR case_id IN (SELECT case_id FROM person_cases) RETURNING 1),
     cases_gone AS (DELETE FROM cases WHERE case_id IN (SELECT case_id FROM person_cases) RETURNING 1)
SELECT (SELECT count(*) FROM orders_gone) AS orders, (SELECT count(*) FROM history) AS history,
       (SELECT count(*) FROM deliveries_gone) AS deliveries, (SELECT count(*) FROM decisions_gone) AS decisions,
       (SELECT count(*) FROM cases_gone) AS cases
"""


async def begin(conn: asyncpg.Connection, *, culling_id: UUID, culled_at: datetime) -> bool:
    """False when orders has carried out this culling before."""
    row = await conn.fetchrow("INSERT INTO cullings (culling_id, counts, culled_at) VALUES ($1, '{}', $2)"
                              " ON CONFLICT (culling_id) DO NOTHING RETURNING culling_id", culling_id, culled_at)
    return row is not None


async def cull(conn: asyncpg.Connection, *, culling_id: UUID, person_id: UUID, person_ref: str | None) -> dict[str, int]:
    row = await conn.fetchrow(CULL, person_id, person_ref)
    counts = {key: int(value) for key, value in row.items()}
    await conn.execute("UPDATE cullings SET counts = $2 WHERE culling_id = $1", culling_id, counts)
    return counts
