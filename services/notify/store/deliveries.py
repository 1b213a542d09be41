"""SQL for the delivery log: queue in the handler's transaction, claim, mark, list."""
import json
from datetime import datetime
from uuid import UUID

import asyncpg
from opentelemetry import context as otel_context
from opentelemetry import propagate
from uuid_utils.compat import uuid7

from services.notify.domain.deliveries import Delivery, dedup_key


# Deliveries as pending, due at $11 (also their creation time), in the trace $10; one already
# recorded for the same key (event, recipient, channel) is left as it is.
QUEUE = ("INSERT INTO deliveries (id, event_id, event_type, template, channel, recipient, order_id,"
         " provider_id, content, trace_context, next_attempt_at, created_at)"
         " SELECT *, $10::text::jsonb, $11, $11 FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[],"
         " $5::text[], $6::text[], $7::uuid[], $8::uuid[], $9::jsonb[])"
         " ON CONFLICT (event_id, recipient, channel) DO NOTHING RETURNING id")


async def queue(conn: asyncpg.Connection, deliveries: list[Delivery], *, at: datetime) -> int:
    """Record deliveries as pending, due at `at` (the service's clock, which also decides when they
    are claimed); one already recorded for the same key is left as it is. Each keeps the current
    trace context, which the sender continues. Returns how many were recorded."""
    if not deliveries:
        return 0
    return len(await conn.fetch(QUEUE, *queue_arguments(deliveries, at)))


def queue_arguments(deliveries: list[Delivery], at: datetime) -> list:
    """The eleven arguments of `QUEUE` for these deliveries, in the current trace."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    rows = []
    for d in deliveries:
        event_id, recipient, channel = dedup_key(d.event_id, d.recipient, d.channel)
        rows.append((uuid7(), event_id, d.event_type, d.template, channel.value, recipient, d.order_id,
                     d.provider_id, d.content))
    columns = [list(col) for col in zip(*rows)] if rows else [[] for _ in range(9)]
    return [*columns, json.dumps(carrier), at]


def trace_of(delivery: asyncpg.Record) -> otel_context.Context:
    """The trace context a delivery was queued in, for what is done about it later to continue."""
    return propagate.extract(delivery["trace_context"] or {})


async def claim(conn: asyncpg.Connection, limit: int, lease_seconds: float, now: datetime) -> list[asyncpg.Record]:
    """Take deliveries due by `now` (the service's clock) for sending. The lease (a later
    next_attempt_at) keeps other replicas off them while they are sent; if this process dies they
    come due again. Each row carries its provider's current webhook key version, so a retry
    after a rotation is signed with the new secret."""
    return await conn.fetch(
        "UPDATE deliveries SET next_attempt_at = $3 + make_interval(secs => $2)"
        " WHERE id IN (SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $3"
        "              ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
        " RETURNING *, coalesce((SELECT k.key_version FROM provider_webhook_keys k"
        "                        WHERE k.provider_id = deliveries.provider_id), 0) AS webhook_key_version",
        limit, lease_seconds, now,
    )


async def mark_delivered(conn: asyncpg.Connection, ids: list[UUID], at: datetime) -> list[UUID]:
    """Mark pending deliveries delivered (one attempt more); returns those that were pending."""
    return [r["id"] for r in await conn.fetch(
        "UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = $2, last_error = NULL"
        " WHERE id = ANY($1::uuid[]) AND status = 'pending' RETURNING id", ids, at)]


async def mark_retry(conn: asyncpg.Connection, delivery_id: UUID, attempts: int, next_at: datetime,
                     error: str) -> None:
    await conn.execute(
        "UPDATE deliveries SET attempts = $2, next_attempt_at = $3, last_error = $4"
        " WHERE id = $1 AND status = 'pending'", delivery_id, attempts, next_at, error)


async def mark_failed(conn: asyncpg.Connection, delivery_id: UUID, attempts: int, at: datetime,
                      error: str) -> bool:
    return await conn.fetchval(
        "UPDATE deliveries SET status = 'failed', attempts = $2, failed_at = $3, last_error = $4"
        " WHERE id = $1 AND status = 'pending' RETURNING true", delivery_id, attempts, at, error) or False


async def search(conn: asyncpg.Connection, *, order_id: UUID | None, recipient: str | None, status: str | None,
                 channel: str | None, limit: int, older_than: UUID | None) -> list[asyncpg.Record]:
    """The log newest first (ids are time-ordered): up to `limit` deliveries older than `older_than`."""
    return await conn.fetch(
        "SELECT * FROM deliveries WHERE ($1::uuid IS NULL OR order_id = $1)"
        " AND ($2::text IS NULL OR recipient = $2) AND ($3::text IS NULL OR status = $3)"
        " AND ($4::text IS NULL OR channel = $4) AND ($5::uuid IS NULL OR id < $5)"
        " ORDER BY id DESC LIMIT $6",
        order_id, recipient, status, channel, older_than, limit,
    )
