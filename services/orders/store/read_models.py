"""SQL for orders' read models of the registry's cases and decisions."""
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.orders.domain.decisions import Decision
from shared.case_state import CaseState


async def insert_case(conn: asyncpg.Connection, *, case_id: UUID, unit: str, kind: str, person_id: UUID | None,
                      opened_on: date, person_ref: str | None = None) -> None:
    # A plain INSERT: the inbox guarantees one call per event, and a second one should fail loudly.
    await conn.execute(
        "INSERT INTO cases (case_id, unit, kind, person_id, status, opened_on, person_ref)"
        " VALUES ($1, $2, $3, $4, 'open', $5, $6)",
        case_id, unit, kind, person_id, opened_on, person_ref,
    )


async def close_case(conn: asyncpg.Connection, *, case_id: UUID, closed_on: date, closed_at: datetime | None) -> None:
    await conn.execute("UPDATE cases SET status = 'closed', closed_on = $2, closed_at = $3 WHERE case_id = $1",
                       case_id, closed_on, closed_at)


async def remove_case(conn: asyncpg.Connection, *, case_id: UUID, removed_at: datetime) -> None:
    await conn.execute("UPDATE cases SET removed_at = $2 WHERE case_id = $1", case_id, removed_at)


async def restore_case(conn: asyncpg.Connection, *, case_id: UUID) -> None:
    await conn.execute("UPDATE cases SET removed_at = NULL WHERE case_id = $1", case_id)


async def insert_decision(conn: asyncpg.Connection, *, decision_id: UUID, case_id: UUID, unit: str,
                          person_id: UUID | None, intervention: str, outcome: str, valid_from: date,
                          valid_to: date | None, follow_up_on: date | None, decided_on: date, decided_by: str,
                          status: str = "in_force") -> None:
    await conn.execute(
        "INSERT INTO decisions (decision_id, case_id, unit, person_id, intervention, outcome, valid_from,"
        " valid_to, follow_up_on, decided_on, decided_by, status)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        decision_id, case_id, unit, person_id, intervention, outcome, valid_from, valid_to, follow_up_on,
        decided_on, decided_by, status,
    )


async def set_decision_status(conn: asyncpg.Connection, *, decision_id: UUID, status: str) -> None:
    """Approved or refused in the registry. Its events follow decision.made on the same key (the
    case), so the decision is known here by then."""
    await conn.execute("UPDATE decisions SET status = $2 WHERE decision_id = $1", decision_id, status)


async def case_and_decision(conn: asyncpg.Connection, case_id: UUID, decision_id: UUID, *,
                            provider_id: UUID) -> tuple[CaseState | None, Decision | None, asyncpg.Record]:
    """The domain's view of a case and a decision, and the row they came from (unit, person),
    which also carries what a new order checks of its provider: `provider_interventions`, None
    when there is no such provider (one statement for all three)."""
    row = await conn.fetchrow(
        "SELECT c.unit AS case_unit, c.status AS case_status, c.removed_at AS case_removed_at,"
        " d.case_id AS decision_case_id, d.unit AS decision_unit, d.intervention AS decision_intervention,"
        " d.outcome AS decision_outcome, d.status AS decision_status, d.valid_from, d.valid_to, d.person_id,"
        " p.interventions AS provider_interventions"
        " FROM (SELECT 1) one LEFT JOIN cases c ON c.case_id = $1 LEFT JOIN decisions d ON d.decision_id = $2"
        " LEFT JOIN providers p ON p.id = $3",
        case_id, decision_id, provider_id,
    )
    return (*views(row), row)


def views(row: Mapping[str, Any]) -> tuple[CaseState | None, Decision | None]:
    """The case and the decision from a row carrying the columns case_* and decision_*, valid_from, valid_to."""
    case = None
    if row["case_unit"] is not None:
        case = CaseState(unit=row["case_unit"], open=row["case_status"] == "open",
                         removed=row["case_removed_at"] is not None)
    decision = None
    if row["decision_unit"] is not None:
        decision = Decision(case_id=row["decision_case_id"], unit=row["decision_unit"],
                            intervention=row["decision_intervention"], valid_from=row["valid_from"],
                            valid_to=row["valid_to"], outcome=row["decision_outcome"],
                            status=row["decision_status"])
    return case, decision


async def get_case(conn: asyncpg.Connection, case_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM cases WHERE case_id = $1", case_id)


def case_state(row: Mapping[str, Any] | None) -> CaseState | None:
    """The case as every service sees it, from a row of `cases`; None when the case is not known."""
    if row is None:
        return None
    return CaseState(unit=row["unit"], open=row["status"] == "open", removed=row["removed_at"] is not None)


async def person_of_ref(conn: asyncpg.Connection, person_ref: str) -> UUID | None:
    return await conn.fetchval("SELECT person_id FROM cases WHERE person_ref = $1 LIMIT 1", person_ref)


async def move_person(conn: asyncpg.Connection, *, case_id: UUID, person_id: UUID, person_ref: str) -> None:
    """A case registered under the wrong person is now the right person's, with its decisions and
    orders (case.person_moved)."""
    await conn.execute("UPDATE cases SET person_id = $2, person_ref = $3 WHERE case_id = $1", case_id, person_id,
                       person_ref)
    await conn.execute("UPDATE decisions SET person_id = $2 WHERE case_id = $1", case_id, person_id)
    await conn.execute("UPDATE orders SET person_id = $2 WHERE case_id = $1", case_id, person_id)


async def set_person_ref(conn: asyncpg.Connection, *, case_id: UUID, person_ref: str) -> None:
    """A case opened before its event carried the person reference gets it (case.person_ref_set)."""
    await conn.execute("UPDATE cases SET person_ref = $2 WHERE case_id = $1 AND person_ref IS DISTINCT FROM $2",
                       case_id, person_ref)
