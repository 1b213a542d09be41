"""SQL for decisions and their execution, for the report of decisions not carried out."""
import json
from datetime import date
from uuid import UUID

import asyncpg


async def record(conn: asyncpg.Connection, *, decision_id: UUID, case_id: UUID, unit: str, decided_by: str,
                 intervention: str, outcome: str, decided_on: date, law: str | None = None,
                 ivo_category: str | None = None, gender: str | None = None, birth_year: int | None = None) -> None:
    """Keeps an execution already recorded (the order may have started before the decision arrived)."""
    await conn.execute(
        "INSERT INTO decisions (decision_id, case_id, unit, decided_by, intervention, outcome, decided_on, law,"
        " ivo_category, gender, birth_year) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        " ON CONFLICT (decision_id) DO UPDATE SET case_id = EXCLUDED.case_id, unit = EXCLUDED.unit,"
        "  decided_by = EXCLUDED.decided_by, intervention = EXCLUDED.intervention,"
        "  outcome = EXCLUDED.outcome, decided_on = EXCLUDED.decided_on, law = EXCLUDED.law,"
        "  ivo_category = EXCLUDED.ivo_category, gender = EXCLUDED.gender, birth_year = EXCLUDED.birth_year",
        decision_id, case_id, unit, decided_by, intervention, outcome, decided_on, law, ivo_category, gender,
        birth_year)


async def set_status(conn: asyncpg.Connection, *, decision_id: UUID, status: str,
                     decided_on: date | None = None) -> None:
    """A decision's delegation status; approval may move the day it counts from."""
    await conn.execute(
        "INSERT INTO decisions (decision_id, status, decided_on) VALUES ($1, $2, $3)"
        " ON CONFLICT (decision_id) DO UPDATE SET status = EXCLUDED.status,"
        "  decided_on = COALESCE(EXCLUDED.decided_on, decisions.decided_on)",
        decision_id, status, decided_on)


async def mark_interrupted(conn: asyncpg.Connection, *, decision_id: UUID, on: date) -> None:
    await conn.execute(
        "INSERT INTO decisions (decision_id, interrupted_on) VALUES ($1, $2)"
        " ON CONFLICT (decision_id) DO UPDATE SET interrupted_on = EXCLUDED.interrupted_on, resumed_on = NULL",
        decision_id, on)


async def mark_resumed(conn: asyncpg.Connection, *, decision_id: UUID, on: date) -> None:
    await conn.execute(
        "INSERT INTO decisions (decision_id, resumed_on) VALUES ($1, $2)"
        " ON CONFLICT (decision_id) DO UPDATE SET resumed_on = EXCLUDED.resumed_on", decision_id, on)


async def add_delay_reason(conn: asyncpg.Connection, *, decision_id: UUID, code: str,
                           declined_offer_on: date | None) -> None:
    reason = json.dumps({"code": code, "declined_offer_on": declined_offer_on and declined_offer_on.isoformat()})
    await conn.execute(
        "INSERT INTO decisions (decision_id, delay_reasons) VALUES ($1, jsonb_build_array($2::text::jsonb))"
        " ON CONFLICT (decision_id) DO UPDATE SET delay_reasons = decisions.delay_reasons || $2::text::jsonb",
        decision_id, reason)


async def mark_executed(conn: asyncpg.Connection, *, decision_id: UUID, on: date) -> None:
    """The first start counts (verkställighetsdatum)."""
    await conn.execute(
        "INSERT INTO decisions (decision_id, executed_on) VALUES ($1, $2)"
        " ON CONFLICT (decision_id) DO UPDATE SET executed_on = LEAST(decisions.executed_on, EXCLUDED.executed_on)",
        decision_id, on)


async def report_candidates(conn: asyncpg.Connection, *, unit: str, decided_on_or_before: date,
                            active_from: date, cap: int) -> list[asyncpg.Record]:
    """Favourable decisions old enough to be late, not carried out nor ended before `active_from`, and
    those whose carrying out was interrupted and not resumed before it."""
    return await conn.fetch(
        "SELECT d.*, c.closed_on FROM decisions d LEFT JOIN closed_cases c ON c.case_id = d.case_id"
        " WHERE d.unit = $1 AND d.outcome IN ('granted', 'partly_granted') AND coalesce(d.status, 'in_force') = 'in_force'"
        "  AND (c.closed_on IS NULL OR c.closed_on >= $3)"
        "  AND ((d.decided_on <= $2 AND (d.executed_on IS NULL OR d.executed_on >= $3))"
        "   OR (d.interrupted_on <= $2 AND (d.resumed_on IS NULL OR d.resumed_on >= $3)))"
        " ORDER BY d.decided_on, d.decision_id LIMIT $4",
        unit, decided_on_or_before, active_from, cap)
