"""SQL for orders and their history. A state change and its history row are written by the
caller in one transaction, with the event in the outbox."""
import json
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

_ORDER = """
SELECT o.*, p.name AS provider_name, p.email AS provider_email, p.webhook_url AS provider_webhook_url,
       d.valid_from, d.valid_to
  FROM orders o JOIN providers p ON p.id = o.provider_id LEFT JOIN decisions d USING (decision_id)
"""


async def insert(conn: asyncpg.Connection, *, order_id: UUID, case_id: UUID, decision_id: UUID,
                 provider_id: UUID, unit: str, person_id: UUID | None, intervention: str, details: str,
                 wanted_start, state: str, created_by: str, created_at: datetime,
                 idempotency_key: str | None = None, request_hash: str | None = None,
                 replaces_order_id: UUID | None = None) -> bool:
    """False when the creator already used the idempotency key (concurrent retries race here)."""
    return bool(await conn.fetchval(
        "INSERT INTO orders (id, case_id, decision_id, provider_id, unit, person_id, intervention, details,"
        " wanted_start, state, created_by, created_at, idempotency_key, request_hash, replaces_order_id)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        " ON CONFLICT (created_by, idempotency_key) DO NOTHING RETURNING true",
        order_id, case_id, decision_id, provider_id, unit, person_id, intervention, details, wanted_start, state,
        created_by, created_at, idempotency_key, request_hash, replaces_order_id,
    ))


async def by_key(conn: asyncpg.Connection, created_by: str, idempotency_key: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT id, request_hash FROM orders WHERE created_by = $1 AND idempotency_key = $2",
                               created_by, idempotency_key)


async def get(conn: asyncpg.Connection, order_id: UUID, *, for_update: bool = False) -> asyncpg.Record | None:
    """The order with its provider's contact and its decision's validity; `for_update` locks
    the order, so that changes of one order take turns."""
    lock = " FOR UPDATE OF o" if for_update else ""
    return await conn.fetchrow(_ORDER + " WHERE o.id = $1" + lock, order_id)


async def update(conn: asyncpg.Connection, order_id: UUID, **columns: Any) -> None:
    names = list(columns)
    assignments = ", ".join(f"{name} = ${i + 2}" for i, name in enumerate(names))
    await conn.execute(f"UPDATE orders SET {assignments} WHERE id = $1", order_id, *columns.values())


async def add_history(conn: asyncpg.Connection, order_id: UUID, *, action: str, from_state: str | None,
                      to_state: str, actor: str, at: datetime, reason: str | None = None,
                      detail: dict | None = None) -> None:
    await conn.execute(
        "INSERT INTO order_history (order_id, action, from_state, to_state, actor, at, reason, detail)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        order_id, action, from_state, to_state, actor, at, reason, json.loads(json.dumps(detail or {}, default=str)),
    )


async def history(conn: asyncpg.Connection, order_id: UUID, limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT action, from_state, to_state, actor, at, reason, detail FROM order_history"
        " WHERE order_id = $1 ORDER BY seq LIMIT $2", order_id, limit)


async def delivery_totals(conn: asyncpg.Connection, order_id: UUID) -> asyncpg.Record:
    return await conn.fetchrow(
        "SELECT count(*) AS reports,"
        " coalesce(sum(quantity) FILTER (WHERE measure = 'minutes'), 0) AS minutes,"
        " coalesce(sum(quantity) FILTER (WHERE measure = 'units'), 0) AS units"
        " FROM deliveries WHERE order_id = $1", order_id)


async def of_case(conn: asyncpg.Connection, case_id: UUID, *, after: UUID | None, limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        _ORDER + " WHERE o.case_id = $1 AND ($2::uuid IS NULL OR o.id > $2) ORDER BY o.id LIMIT $3",
        case_id, after, limit)


# The provider's inbox: what was sent to it, except what was recalled before it was opened;
# unopened first, then the newest sent first. The ordering matches the index orders_inbox.
_INBOX = """
SELECT o.id, o.state, o.intervention, o.wanted_start, o.sent_at, o.opened_at, o.recalled_at,
       (o.opened_at IS NOT NULL) AS opened
  FROM orders o
 WHERE o.provider_id = $1 AND o.sent_at IS NOT NULL
   AND NOT (o.state = 'recalled' AND o.opened_at IS NULL)
   AND ($2::boolean IS NULL OR (o.opened_at IS NOT NULL) > $2
        OR ((o.opened_at IS NOT NULL) = $2 AND (o.sent_at, o.id) < ($3, $4)))
 ORDER BY (o.opened_at IS NOT NULL), o.sent_at DESC, o.id DESC
 LIMIT $5
"""


async def inbox(conn: asyncpg.Connection, provider_id: UUID, *, after: tuple[bool, datetime, UUID] | None,
                limit: int) -> list[asyncpg.Record]:
    opened, sent_at, order_id = after if after else (None, None, None)
    return await conn.fetch(_INBOX, provider_id, opened, sent_at, order_id, limit)
