"""SQL for cases, their investigations and decisions."""
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import asyncpg

from shared.outbox import Outbox, Pending


async def insert(conn: asyncpg.Connection, *, case_id: UUID, unit: str, kind: str,
                 person_id: UUID, opened_on: date, opened_by: str, caseworker: str, outbox: Outbox,
                 events: Sequence[Pending], import_ref: str | None = None, idempotency_key: str | None = None,
                 request_hash: str | None = None) -> asyncpg.Record | None:
    """The case opened, and `events` recorded in the outbox, in one statement; None, and no
    event, when the opener already used the Idempotency-Key (a concurrent retry committed first)."""
    return await outbox.with_write(
        conn,
        "INSERT INTO cases (id, unit, kind, person_id, opened_on, opened_by, caseworker, import_ref,"
        " idempotency_key, request_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        " ON CONFLICT (opened_by, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING *",
        (case_id, unit, kind, person_id, opened_on, opened_by, caseworker, import_ref, idempotency_key,
         request_hash),
        events,
    )


async def by_key(conn: asyncpg.Connection, opened_by: str, idempotency_key: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM cases WHERE opened_by = $1 AND idempotency_key = $2",
                               opened_by, idempotency_key)


async def imported(conn: asyncpg.Connection, import_ref: str) -> bool:
    return await conn.fetchval("SELECT true FROM cases WHERE import_ref = $1", import_ref) is not None


async def get(conn: asyncpg.Connection, case_id: UUID, *, for_update: bool = False) -> asyncpg.Record | None:
    lock = " FOR UPDATE" if for_update else ""
    return await conn.fetchrow(f"SELECT * FROM cases WHERE id = $1{lock}", case_id)


async def close(conn: asyncpg.Connection, case_id: UUID, *, closed_on: date, closed_by: str,
                reason: str) -> asyncpg.Record:
    return await conn.fetchrow(
        "UPDATE cases SET status = 'closed', closed_on = $2, closed_by = $3, close_reason = $4"
        " WHERE id = $1 RETURNING *",
        case_id, closed_on, closed_by, reason,
    )


async def ongoing_investigation(conn: asyncpg.Connection, case_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM investigations WHERE case_id = $1 AND completed_on IS NULL",
                               case_id)


async def latest_investigation(conn: asyncpg.Connection, case_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM investigations WHERE case_id = $1"
                               " ORDER BY started_on DESC, created_at DESC LIMIT 1", case_id)


async def insert_investigation(conn: asyncpg.Connection, *, investigation_id: UUID, case_id: UUID,
                               started_on: date, due_on: date | None, started_by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        "INSERT INTO investigations (id, case_id, started_on, due_on, started_by)"
        " VALUES ($1, $2, $3, $4, $5) RETURNING *",
        investigation_id, case_id, started_on, due_on, started_by,
    )


async def get_investigation(conn: asyncpg.Connection, case_id: UUID,
                            investigation_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM investigations WHERE id = $1 AND case_id = $2",
                               investigation_id, case_id)


async def get_investigation_by_id(conn: asyncpg.Connection, investigation_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM investigations WHERE id = $1", investigation_id)


async def complete_investigation(conn: asyncpg.Connection, investigation_id: UUID, *, completed_on: date,
                                 completed_by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        "UPDATE investigations SET completed_on = $2, completed_by = $3 WHERE id = $1 RETURNING *",
        investigation_id, completed_on, completed_by,
    )


async def investigations(conn: asyncpg.Connection, case_id: UUID, *, after: tuple | None,
                         limit: int) -> list[asyncpg.Record]:
    """Oldest first; `after` is the (started_on, created_at, id) of the last one already shown."""
    started_on, created_at, investigation_id = after or (None, None, None)
    return await conn.fetch(
        "SELECT * FROM investigations WHERE case_id = $1 AND ($2::date IS NULL"
        " OR (started_on, created_at, id) > ($2::date, $3::timestamptz, $4::uuid))"
        " ORDER BY started_on, created_at, id LIMIT $5",
        case_id, started_on, created_at, investigation_id, limit)


async def insert_decision(conn: asyncpg.Connection, *, decision_id: UUID, case_id: UUID,
                          investigation_id: UUID, outcome: str, intervention: str, valid_from: date,
                          valid_to: date | None, follow_up_on: date | None, decided_on: date, decided_by: str,
                          communicated: bool, communicated_on: date | None, communication_method: str | None,
                          not_communicated_reason: str | None, reasons: str, legal_basis: str,
                          scope_amount: Decimal | None, scope_unit: str | None,
                          appeal_instructions: str | None, idempotency_key: str | None = None,
                          request_hash: str | None = None) -> asyncpg.Record | None:
    """The decision made; None when its maker already used the Idempotency-Key (a concurrent retry
    committed first)."""
    return await conn.fetchrow(
        "INSERT INTO decisions (id, case_id, investigation_id, outcome, intervention, valid_from, valid_to,"
        " follow_up_on, decided_on, decided_by, communicated, communicated_on, communication_method,"
        " not_communicated_reason, reasons, legal_basis, scope_amount, scope_unit, appeal_instructions,"
        " idempotency_key, request_hash)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
        " ON CONFLICT (decided_by, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING *",
        decision_id, case_id, investigation_id, outcome, intervention, valid_from, valid_to, follow_up_on,
        decided_on, decided_by, communicated, communicated_on, communication_method, not_communicated_reason,
        reasons, legal_basis, scope_amount, scope_unit, appeal_instructions, idempotency_key, request_hash,
    )


async def decision_by_key(conn: asyncpg.Connection, decided_by: str, idempotency_key: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM decisions WHERE decided_by = $1 AND idempotency_key = $2",
                               decided_by, idempotency_key)


async def get_decision(conn: asyncpg.Connection, case_id: UUID, decision_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM decisions WHERE id = $1 AND case_id = $2", decision_id, case_id)


async def get_decision_by_id(conn: asyncpg.Connection, decision_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM decisions WHERE id = $1", decision_id)


async def extend_investigation(conn: asyncpg.Connection, investigation_id: UUID, *, due_on: date) -> asyncpg.Record:
    return await conn.fetchrow("UPDATE investigations SET due_on = $2 WHERE id = $1 RETURNING *",
                               investigation_id, due_on)


async def insert_extension(conn: asyncpg.Connection, *, extension_id: UUID, subject_type: str, subject_id: UUID,
                           previous_due_on: date, due_on: date, reason: str, by: str, at: datetime) -> None:
    await conn.execute(
        "INSERT INTO deadline_extensions (id, subject_type, subject_id, previous_due_on, due_on, reason,"
        " extended_by, extended_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        extension_id, subject_type, subject_id, previous_due_on, due_on, reason, by, at)


async def extensions(conn: asyncpg.Connection, subject_id: UUID, *, after: tuple | None,
                     limit: int) -> list[asyncpg.Record]:
    """Oldest first; `after` is the (extended_at, id) of the last one already shown."""
    extended_at, extension_id = after or (None, None)
    return await conn.fetch(
        "SELECT * FROM deadline_extensions WHERE subject_id = $1 AND ($2::timestamptz IS NULL"
        " OR (extended_at, id) > ($2::timestamptz, $3::uuid)) ORDER BY extended_at, id LIMIT $4",
        subject_id, extended_at, extension_id, limit)


async def execution_actions(conn: asyncpg.Connection, decision_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT * FROM decision_executions WHERE decision_id = $1 ORDER BY recorded_at, id",
                            decision_id)


async def insert_execution_action(conn: asyncpg.Connection, *, action_id: UUID, decision_id: UUID, action: str,
                                  on: date, method: str | None, reason_code: str | None, by: str,
                                  at: datetime) -> asyncpg.Record:
    return await conn.fetchrow(
        "INSERT INTO decision_executions (id, decision_id, action, on_date, method, reason_code, recorded_by,"
        " recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *",
        action_id, decision_id, action, on, method, reason_code, by, at)


async def insert_delay_reason(conn: asyncpg.Connection, *, reason_id: UUID, decision_id: UUID, code: str,
                              declined_offer_on: date | None, by: str, at: datetime) -> asyncpg.Record:
    return await conn.fetchrow(
        "INSERT INTO decision_delay_reasons (id, decision_id, code, declined_offer_on, recorded_by, recorded_at)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
        reason_id, decision_id, code, declined_offer_on, by, at)


async def delay_reasons(conn: asyncpg.Connection, decision_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT * FROM decision_delay_reasons WHERE decision_id = $1 ORDER BY recorded_at, id",
                            decision_id)


async def decisions(conn: asyncpg.Connection, case_id: UUID, *, after: tuple | None,
                    limit: int) -> list[asyncpg.Record]:
    """Oldest first; `after` is the (decided_on, created_at, id) of the last one already shown."""
    decided_on, created_at, decision_id = after or (None, None, None)
    return await conn.fetch(
        "SELECT * FROM decisions WHERE case_id = $1 AND ($2::date IS NULL"
        " OR (decided_on, created_at, id) > ($2::date, $3::timestamptz, $4::uuid))"
        " ORDER BY decided_on, created_at, id LIMIT $5",
        case_id, decided_on, created_at, decision_id, limit)


async def set_removed(conn: asyncpg.Connection, case_id: UUID, *, removed: bool, reason: str, by: str,
                      at: datetime) -> asyncpg.Record:
    """Remove (or restore) a case and keep the act in its history."""
    await conn.execute("INSERT INTO case_removals (case_id, action, reason, by_whom, at) VALUES ($1, $2, $3, $4, $5)",
                       case_id, "removed" if removed else "restored", reason, by, at)
    if removed:
        return await conn.fetchrow("UPDATE cases SET removed_at = $2, removed_by = $3, removal_reason = $4"
                                   " WHERE id = $1 RETURNING *", case_id, at, by, reason)
    return await conn.fetchrow("UPDATE cases SET removed_at = NULL, removed_by = NULL, removal_reason = NULL"
                               " WHERE id = $1 RETURNING *", case_id)


async def removals(conn: asyncpg.Connection, case_id: UUID, *, after: int | None,
                   limit: int) -> list[asyncpg.Record]:
    """Oldest first; `after` is the seq of the last one already shown."""
    return await conn.fetch("SELECT * FROM case_removals WHERE case_id = $1"
                            " AND ($2::bigint IS NULL OR seq > $2::bigint) ORDER BY seq LIMIT $3",
                            case_id, after, limit)


# A citizen's own view: removed cases (e.g. opened on the wrong person) are out of it.
async def of_person(conn: asyncpg.Connection, person_id: UUID, *, after: tuple | None,
                    limit: int) -> list[asyncpg.Record]:
    """Oldest first; `after` is the (opened_on, id) of the last one already shown."""
    opened_on, case_id = after or (None, None)
    return await conn.fetch(
        "SELECT * FROM cases WHERE person_id = $1 AND removed_at IS NULL"
        " AND ($2::date IS NULL OR (opened_on, id) > ($2::date, $3::uuid))"
        " ORDER BY opened_on, id LIMIT $4", person_id, opened_on, case_id, limit)


async def decisions_of_person(conn: asyncpg.Connection, person_id: UUID, *, after: tuple | None,
                              limit: int) -> list[asyncpg.Record]:
    """Those in force (not waiting for approval, not refused), oldest first; `after` is the
    (decided_on, created_at, id) of the last one already shown."""
    decided_on, created_at, decision_id = after or (None, None, None)
    return await conn.fetch(
        "SELECT d.* FROM decisions d JOIN cases c ON c.id = d.case_id"
        " WHERE c.person_id = $1 AND c.removed_at IS NULL AND d.status = 'in_force' AND ($2::date IS NULL"
        " OR (d.decided_on, d.created_at, d.id) > ($2::date, $3::timestamptz, $4::uuid))"
        " ORDER BY d.decided_on, d.created_at, d.id LIMIT $5",
        person_id, decided_on, created_at, decision_id, limit)


async def cases_with_pins(conn: asyncpg.Connection, *, after: UUID | None, limit: int) -> list[asyncpg.Record]:
    """Cases with their person's number, in id order after `after`."""
    return await conn.fetch(
        "SELECT c.id, p.pin FROM cases c JOIN persons p ON p.id = c.person_id"
        " WHERE $1::uuid IS NULL OR c.id > $1::uuid ORDER BY c.id LIMIT $2", after, limit)
