"""SQL for cullings (gallring): approvals, the culling of each person, the services' confirmations,
and the deletion of what the registry itself holds about a person."""
from datetime import datetime
from uuid import UUID

import asyncpg


async def approval_by_key(conn: asyncpg.Connection, approved_by: str, key: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM culling_approvals WHERE approved_by = $1 AND idempotency_key = $2",
                               approved_by, key)


async def insert_approval(conn: asyncpg.Connection, *, approval_id: UUID, approved_by: str, approved_at: datetime,
                          idempotency_key: str | None, request_hash: str) -> bool:
    """False when the approver already used the key (a concurrent retry committed first)."""
    row = await conn.fetchrow(
        "INSERT INTO culling_approvals (id, approved_by, approved_at, idempotency_key, request_hash)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (approved_by, idempotency_key) DO NOTHING RETURNING id",
        approval_id, approved_by, approved_at, idempotency_key, request_hash)
    return row is not None


async def insert_culling(conn: asyncpg.Connection, *, culling_id: UUID, approval_id: UUID, person_id: UUID,
                         person_ref: str, rule_id: str, approved_by: str, approved_at: datetime,
                         reason: str | None = None) -> bool:
    """False when a culling of the person is under way already (a concurrent approval committed first)."""
    row = await conn.fetchrow(
        "INSERT INTO cullings (id, approval_id, person_id, person_ref, rule_id, approved_by, approved_at, reason)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (person_id) WHERE person_id IS NOT NULL DO NOTHING RETURNING id",
        culling_id, approval_id, person_id, person_ref, rule_id, approved_by, approved_at, reason)
    return row is not None


async def lock_persons(conn: asyncpg.Connection, person_ids: list[UUID]) -> None:
    """Lock the persons' rows (in id order) until the transaction ends: of two approvals of one
    person at once, the second waits for the first and then finds its culling."""
    await conn.execute("SELECT id FROM persons WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE", person_ids)


async def pending_for(conn: asyncpg.Connection, person_ids: list[UUID]) -> list[UUID]:
    """Those of `person_ids` whose culling is approved and not yet confirmed by every service."""
    rows = await conn.fetch("SELECT person_id FROM cullings WHERE person_id = ANY($1::uuid[])", person_ids)
    return [row["person_id"] for row in rows]


async def of_approval(conn: asyncpg.Connection, approval_id: UUID) -> list[asyncpg.Record]:
    """The cullings of an approval (id, person_id), in the order they were made."""
    return await conn.fetch("SELECT id, person_id FROM cullings WHERE approval_id = $1 ORDER BY id", approval_id)


async def get(conn: asyncpg.Connection, culling_id: UUID, *, for_update: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM cullings WHERE id = $1" + (" FOR UPDATE" if for_update else ""),
                               culling_id)


async def confirmations(conn: asyncpg.Connection, culling_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT service, counts, confirmed_at FROM culling_confirmations"
                            " WHERE culling_id = $1 ORDER BY service", culling_id)


async def confirm(conn: asyncpg.Connection, culling_id: UUID, *, service: str, counts: dict[str, int],
                  confirmed_at: datetime) -> bool:
    """False when the service had confirmed already."""
    row = await conn.fetchrow(
        "INSERT INTO culling_confirmations (culling_id, service, counts, confirmed_at) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (culling_id, service) DO NOTHING RETURNING service",
        culling_id, service, counts, confirmed_at)
    return row is not None


async def complete(conn: asyncpg.Connection, culling_id: UUID, at: datetime) -> None:
    """Every service has confirmed: whose culling it was is forgotten, the record stays."""
    await conn.execute("UPDATE cullings SET person_id = NULL, person_ref = NULL, completed_at = $2"
                       " WHERE id = $1 AND completed_at IS NULL", culling_id, at)


async def cases_and_inquiries(conn: asyncpg.Connection, person_id: UUID) -> tuple[list[UUID], list[UUID]]:
    """The ids of the person's cases and inquiries, in id order."""
    cases = await conn.fetch("SELECT id FROM cases WHERE person_id = $1 ORDER BY id", person_id)
    inquiries = await conn.fetch("SELECT id FROM inquiries WHERE person_id = $1 ORDER BY id", person_id)
    return [r["id"] for r in cases], [r["id"] for r in inquiries]


# Everything the registry holds about one person, in one statement (the foreign keys between
# inquiries and investigations point both ways; they are checked at the statement's end).
# The staff directory, the imports' reports and the outbox are not about one person.
CULL_PERSON = """
WITH person_cases AS (SELECT id FROM cases WHERE person_id = $1),
     person_inquiries AS (SELECT id FROM inquiries WHERE person_id = $1),
     person_investigations AS (SELECT id FROM investigations
                                WHERE case_id IN (SELECT id FROM person_cases)
                                   OR inquiry_id IN (SELECT id FROM person_inquiries)),
     person_decisions AS (SELECT id FROM decisions WHERE case_id IN (SELECT id FROM person_cases)),
     executions AS (DELETE FROM decision_executions WHERE decision_id IN (SELECT id FROM person_decisions)
                    RETURNING 1),
     delay_reasons AS (DELETE FROM decision_delay_reasons WHERE decision_id IN (SELECT id FROM person_decisions)
                       RETURNING 1),
     decisions_gone AS (DELETE FROM decisions WHERE id IN (SELECT id FROM person_decisions) RETURNING 1),
     extensions AS (DELETE FROM deadline_extensions
                     WHERE subject_id IN (SELECT id FROM person_investigations UNION ALL SELECT id FROM person_inquiries)
                    RETURNING 1),
     reassignments_gone AS (DELETE FROM reassignments
                             WHERE subject_id IN (SELECT id FROM person_cases UNION ALL SELECT id FROM person_inquiries)
                            RETURNING 1),
     removals AS (DELETE FROM case_removals WHERE case_id IN (SELECT id FROM person_cases) RETURNING 1),
     unsigned AS (DELETE FROM unsigned_notes WHERE case_id IN (SELECT id FROM person_cases) RETURNING 1),
     investigations_gone AS (DELETE FROM investigations WHERE id IN (SELECT id FROM person_investigations)
                             RETURNING 1),
     inquiries_gone AS (DELETE FROM inquiries WHERE id IN (SELECT id FROM person_inquiries) RETURNING 1),
     cases_gone AS (DELETE FROM cases WHERE id IN (SELECT id FROM person_cases) RETURNING 1),
     grants AS (DELETE FROM address_grants WHERE person_id = $1 RETURNING 1),
     log AS (DELETE FROM access_log WHERE person_id = $1 RETURNING 1),
     person AS (DELETE FROM persons WHERE id = $1 RETURNING 1)
SELECT (SELECT count(*) FROM person) AS persons, (SELECT count(*) FROM cases_gone) AS cases,
       (SELECT count(*) FROM inquiries_gone) AS inquiries, (SELECT count(*) FROM investigations_gone) AS investigations,
       (SELECT count(*) FROM decisions_gone) AS decisions,
       (SELECT count(*) FROM executions) + (SELECT count(*) FROM delay_reasons) AS decision_records,
       (SELECT count(*) FROM extensions) AS deadline_extensions, (SELECT count(*) FROM reassignments_gone)
           AS reassignments,
       (SELECT count(*) FROM removals) AS case_removals, (SELECT count(*) FROM unsigned) AS unsigned_notes,
       (SELECT count(*) FROM grants) AS address_grants, (SELECT count(*) FROM log) AS access_log
"""


async def cull_person(conn: asyncpg.Connection, person_id: UUID) -> dict[str, int]:
    """Delete every row of the registry about the person; the rows deleted, per kind."""
    row = await conn.fetchrow(CULL_PERSON, person_id)
    return {key: int(value) for key, value in row.items()}
