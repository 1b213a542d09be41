"""SQL for durable timers: arm, take what is due (SKIP LOCKED, so replicas share the work)."""
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from services.watch.domain.watches import Timer


async def arm(conn: asyncpg.Connection, subject_id: UUID, timers: Sequence[Timer]) -> None:
    """One insert into a table with one index (by due time)."""
    if not timers:
        return
    await conn.execute(
        "INSERT INTO timers (due_at, rule, subject_id, due_on)"
        " SELECT due_at, rule, $3, due_on FROM unnest($1::timestamptz[], $2::text[], $4::date[])"
        "  AS t(due_at, rule, due_on)",
        [t.fire_at for t in timers], [t.rule for t in timers], subject_id, [t.due_on for t in timers])


async def disarm(conn: asyncpg.Connection, subject_id: UUID, rules: Sequence[str]) -> None:
    """Drop the subject's pending timers of `rules` (a deadline that moved)."""
    await conn.execute("DELETE FROM timers WHERE subject_id = $1 AND rule = ANY($2::text[])", subject_id, list(rules))


async def take_due(conn: asyncpg.Connection, now: datetime, limit: int) -> list[asyncpg.Record]:
    """Delete and return up to `limit` due timers, earliest first, skipping those another
    replica holds. Run in the transaction that raises their watches: a rollback re-arms them."""
    return await conn.fetch(
        "DELETE FROM timers WHERE ctid = ANY(ARRAY("
        "  SELECT ctid FROM timers WHERE due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED))"
        " RETURNING due_at, rule, subject_id, due_on",
        now, limit)


async def next_due(conn: asyncpg.Connection | asyncpg.Pool) -> datetime | None:
    return await conn.fetchval("SELECT min(due_at) FROM timers")



async def counts(conn: asyncpg.Connection | asyncpg.Pool, now: datetime) -> asyncpg.Record:
    """For the metrics: timers due at `now` and not yet fired, all armed timers, and how many
    seconds the earliest due one is late (0 when none is due)."""
    return await conn.fetchrow(
        "SELECT count(*) FILTER (WHERE due_at <= $1) AS due, count(*) AS armed,"
        " greatest(coalesce(extract(epoch FROM $1 - min(due_at)), 0), 0)::float8 AS late_seconds"
        " FROM timers", now)
