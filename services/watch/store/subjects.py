"""SQL for what the watch follows (its read model of orders, inquiries, investigations,
decisions) and which cases are closed."""
import json
from typing import Any
from uuid import UUID

import asyncpg

from services.watch.domain.watches import CASE_CLOSED


async def record(conn: asyncpg.Connection, *, id: UUID, type: str, case_id: UUID | None, caseworker: str | None,
                 unit: str, facts: dict[str, Any]) -> None:
    """Keep what the subject's watches will need; what has already settled stays settled."""
    await conn.execute(
        "INSERT INTO subjects (id, type, case_id, caseworker, unit, facts, known)"
        " VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, true)"
        " ON CONFLICT (id) DO UPDATE SET case_id = EXCLUDED.case_id, caseworker = EXCLUDED.caseworker,"
        "  unit = EXCLUDED.unit, facts = EXCLUDED.facts, known = true, updated_at = now()",
        id, type, case_id, caseworker, unit, json.dumps(facts, default=str))


async def get(conn: asyncpg.Connection, id: UUID, *, for_update: bool = False) -> asyncpg.Record | None:
    row = await conn.fetchrow(f"SELECT * FROM subjects WHERE id = $1{' FOR UPDATE' if for_update else ''}", id)
    if row is None:
        return None
    facts = row["facts"]
    return {**dict(row), "facts": json.loads(facts) if isinstance(facts, str) else facts}


async def settle(conn: asyncpg.Connection, *, id: UUID, type: str, track: str) -> None:
    """Mark a track settled, even for a subject not yet known (its events may come later).

    The row lock this takes makes a timer of the subject that fires concurrently either
    see the settlement or finish first, so that the caller's resolving finds its watch.
    """
    await conn.execute(
        "INSERT INTO subjects (id, type, settled) VALUES ($1, $2, ARRAY[$3::text])"
        " ON CONFLICT (id) DO UPDATE SET updated_at = now(), settled = CASE WHEN $3 = ANY(subjects.settled)"
        "  THEN subjects.settled ELSE subjects.settled || $3::text END",
        id, type, track)


async def close_case(conn: asyncpg.Connection, *, case_id: UUID, closed_on) -> None:
    await conn.execute("INSERT INTO closed_cases (case_id, closed_on) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                       case_id, closed_on)
    # Lock in id order, as the scheduler does, so the two never wait for each other in a circle.
    await conn.execute("SELECT 1 FROM subjects WHERE case_id = $1 ORDER BY id FOR UPDATE", case_id)
    await conn.execute("UPDATE subjects SET settled = settled || $2::text, updated_at = now()"
                       " WHERE case_id = $1 AND NOT $2 = ANY(settled)", case_id, CASE_CLOSED)


async def lock_for_firing(conn: asyncpg.Connection, ids: list[UUID]) -> list[asyncpg.Record]:
    """The subjects of timers being fired, share-locked against a concurrent settling, with the
    caseworker's own supervisor from the directory (for an escalation)."""
    return await conn.fetch(
        "SELECT s.id, s.type, s.case_id, s.caseworker, s.unit, s.facts, s.settled, s.known,"
        "  c.case_id IS NOT NULL AS case_closed, cw.supervisor AS cw_supervisor, sv.subject AS sv_subject,"
        "  sv.active_from AS sv_active_from, sv.active_to AS sv_active_to"
        " FROM subjects s LEFT JOIN closed_cases c ON c.case_id = s.case_id"
        " LEFT JOIN staff cw ON cw.subject = s.caseworker LEFT JOIN staff sv ON sv.subject = cw.supervisor"
        " WHERE s.id = ANY($1::uuid[]) ORDER BY s.id FOR SHARE OF s", ids)


async def reassign_case(conn: asyncpg.Connection, *, case_id: UUID, caseworker: str, at,
                        keep_types: list[str]) -> None:
    """The case's subjects (but `keep_types`) name the new caseworker: their future timers raise
    their watches for them. Locked in id order, as the scheduler locks them. The case's caseworker
    is kept for subjects whose events come later (see `case_caseworker`)."""
    await conn.execute(
        "INSERT INTO case_caseworkers (case_id, caseworker, reassigned_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (case_id) DO UPDATE SET caseworker = EXCLUDED.caseworker, reassigned_at = EXCLUDED.reassigned_at"
        " WHERE case_caseworkers.reassigned_at <= EXCLUDED.reassigned_at", case_id, caseworker, at)
    await conn.execute("SELECT 1 FROM subjects WHERE case_id = $1 ORDER BY id FOR UPDATE", case_id)
    await conn.execute("UPDATE subjects SET caseworker = $2, updated_at = now()"
                       " WHERE case_id = $1 AND NOT type = ANY($3::text[]) AND caseworker IS DISTINCT FROM $2",
                       case_id, caseworker, keep_types)


async def reassign_subject(conn: asyncpg.Connection, *, id: UUID, caseworker: str) -> None:
    await conn.execute("UPDATE subjects SET caseworker = $2, updated_at = now() WHERE id = $1", id, caseworker)


async def case_caseworker(conn: asyncpg.Connection, case_id: UUID | None) -> asyncpg.Record | None:
    """The case's latest reassignment (caseworker, reassigned_at), if any."""
    if case_id is None:
        return None
    return await conn.fetchrow("SELECT caseworker, reassigned_at FROM case_caseworkers WHERE case_id = $1", case_id)


async def lock_culling(conn: asyncpg.Connection, culling_id: UUID) -> dict:
    """The culling's subject, made (not yet known) when this is the first word of it, and locked for
    the transaction: confirmations handled side by side (from different topics) take turns."""
    await conn.execute("INSERT INTO subjects (id, type, unit) VALUES ($1, 'culling', '') ON CONFLICT (id) DO NOTHING",
                       culling_id)
    row = await get(conn, culling_id, for_update=True)
    assert row is not None
    return row


async def set_culling(conn: asyncpg.Connection, culling_id: UUID, *, facts: dict[str, Any], known: bool) -> None:
    await conn.execute("UPDATE subjects SET facts = $2::text::jsonb, known = $3, updated_at = now() WHERE id = $1",
                       culling_id, json.dumps(facts, default=str), known)
