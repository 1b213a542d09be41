"""SQL for culling (gallring) what watch holds about a person: it knows their cases and inquiries
by id only (the registry names them in person.culling_approved)."""
from datetime import datetime
from uuid import UUID

import asyncpg

# The subjects of the person's cases and their inquiries, with their timers and watches, and
# the read models of the cases and decisions.
CULL = """
WITH person_subjects AS (SELECT id FROM subjects WHERE case_id = ANY($1::uuid[]) OR id = ANY($2::uuid[])),
     timers_gone AS (DELETE FROM timers WHERE subject_id IN (SELECT id FROM person_subjects)
                                           OR subject_id = ANY($2::uuid[]) RETURNING 1),
     watches_gone AS (DELETE FROM watches WHERE case_id = ANY($1::uuid[]) OR subject_id = ANY($2::uuid[])
                                             OR subject_id IN (SELECT id FROM person_subjects) RETURNING 1),
     subjects_gone AS (DELETE FROM subjects WHERE id IN (SELECT id FROM person_subjects) RETURNING 1),
     decisions_gone AS (DELETE FROM decisions WHERE case_id = ANY($1::uuid[]) RETURNING 1),
     closed_gone AS (DELETE FROM closed_cases WHERE case_id = ANY($1::uuid[]) RETURNING 1),
     caseworkers_gone AS (DELETE FROM case_caseworkers WHERE case_id = ANY($1::uuid[]) RETURNING 1)
SELECT (SELECT count(*) FROM watches_gone) AS watches, (SELECT count(*) FROM timers_gone) AS timers,
       (SELECT count(*) FROM subjects_gone) AS subjects, (SELECT count(*) FROM decisions_gone) AS decisions,
       (SELECT count(*) FROM closed_gone) + (SELECT count(*) FROM caseworkers_gone) AS cases
"""


async def begin(conn: asyncpg.Connection, *, culling_id: UUID, culled_at: datetime) -> bool:
    """False when watch has carried out this culling before."""
    row = await conn.fetchrow("INSERT INTO cullings (culling_id, counts, culled_at) VALUES ($1, '{}', $2)"
                              " ON CONFLICT (culling_id) DO NOTHING RETURNING culling_id", culling_id, culled_at)
    return row is not None


async def cull(conn: asyncpg.Connection, *, culling_id: UUID, case_ids: list[UUID],
               inquiry_ids: list[UUID]) -> dict[str, int]:
    row = await conn.fetchrow(CULL, case_ids, inquiry_ids)
    counts = {key: int(value) for key, value in row.items()}
    await conn.execute("UPDATE cullings SET counts = $2 WHERE culling_id = $1", culling_id, counts)
    return counts
