"""SQL for decisions and their execution, for the report of decisions not carried out."""
from datetime import date
from uuid import UUID

import asyncpg


async def record(conn: asyncpg.Connection, *, decision_id: UUID, case_id: UUID, unit: str, decided_by: str,
                 intervention: str, outcome: str, decided_on: date) -> None:
    """Keeps an execution already recorded (the order may have started before the decision arrived)."""
    await conn.execute(
        "INSERT INTO decisions (decision_id, case_id, unit, decided_by, intervention, outcome, decided_on)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (decision_id) DO UPDATE SET case_id = EXCLUDED.case_id, unit = EXCLUDED.unit,"
        "  decided_by = EXCLUDED.decided_by, intervention = EXCLUDED.intervention,"
        "  outcome = EXCLUDED.outcome, decided_on = EXCLUDED.decided_on",
        decision_id, case_id, unit, decided_by, intervention, outcome, decided_on)


async def mark_executed(conn: asyncpg.Connection, *, decision_id: UUID, on: date) -> None:
    """The first start counts (verkställighetsdatum)."""
    await conn.execute(
        "INSERT INTO decisions (decision_id, executed_on) VALUES ($1, $2)"
        " ON CONFLICT (decision_id) DO UPDATE SET executed_on = LEAST(decisions.executed_on, EXCLUDED.executed_on)",
        decision_id, on)


async def report_candidates(conn: asyncpg.Connection, *, unit: str, decided_on_or_before: date,
                            active_from: date, cap: int) -> list[asyncpg.Record]:
    """Favourable decisions old enough to be late, not carried out nor ended before `active_from`."""
    return await conn.fetch(
        "SELECT d.*, c.closed_on FROM decisions d LEFT JOIN closed_cases c ON c.case_id = d.case_id"
        " WHERE d.unit = $1 AND d.outcome IN ('granted', 'partly_granted') AND d.decided_on <= $2"
        "  AND (d.executed_on IS NULL OR d.executed_on >= $3) AND (c.closed_on IS NULL OR c.closed_on >= $3)"
        " ORDER BY d.decided_on, d.decision_id LIMIT $4",
        unit, decided_on_or_before, active_from, cap)
