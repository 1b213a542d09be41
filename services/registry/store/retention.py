"""SQL for culling (gallring): what the registry's own tables tell about each person's records."""
from uuid import UUID

import asyncpg

# One row per person, in id order: the latest date in the person's rows (their last entry as
# far as the registry knows), their cases and decisions, whether a child placement was decided,
# whether an investigation about them began before their 18th birthday, and their inquiries whose initial assessment is due and not yet recorded.
FACTS = """
SELECT p.id AS person_id, p.birth_date,
       GREATEST((p.created_at AT TIME ZONE 'Europe/Stockholm')::date, i.last_on, c.last_on, v.last_on,
                d.last_on) AS last_entry_on,
       coalesce(c.cases, 0) AS cases, coalesce(c.open_cases, 0) AS open_cases, c.last_closed_on,
       d.last_valid_to, coalesce(d.child_placement, false) AS child_placement,
       coalesce(v.child_investigation, false) AS child_investigation,
       coalesce(i.open_inquiries, 0) AS open_inquiries
  FROM persons p
  LEFT JOIN LATERAL (
       SELECT max(GREATEST(received_on, assessed_on)) AS last_on,
              count(*) FILTER (WHERE assessment_due_on IS NOT NULL AND assessed_on IS NULL) AS open_inquiries
         FROM inquiries WHERE person_id = p.id) i ON true
  LEFT JOIN LATERAL (
       SELECT count(*) AS cases, count(*) FILTER (WHERE status = 'open') AS open_cases,
              max(GREATEST(opened_on, closed_on)) AS last_on, max(closed_on) AS last_closed_on
         FROM cases WHERE person_id = p.id) c ON true
  LEFT JOIN LATERAL (
       SELECT max(GREATEST(v.started_on, v.completed_on)) AS last_on,
              bool_or(v.started_on < p.birth_date + interval '18 years') AS child_investigation
         FROM investigations v JOIN cases k ON k.id = v.case_id WHERE k.person_id = p.id) v ON true
  LEFT JOIN LATERAL (
       SELECT max(d.decided_on) AS last_on, max(d.valid_to) AS last_valid_to,
              bool_or(d.intervention = ANY($3::text[]) AND d.outcome <> 'rejected'
                      AND d.decided_on < p.birth_date + interval '18 years') AS child_placement
         FROM decisions d JOIN cases k ON k.id = d.case_id WHERE k.person_id = p.id) d ON true
 WHERE ($1::uuid IS NULL OR p.id > $1) AND ($4::uuid IS NULL OR p.id = $4)
 ORDER BY p.id
 LIMIT $2
"""


async def facts(conn: asyncpg.Connection, *, after: UUID | None, limit: int, placements: list[str],
                person_id: UUID | None = None) -> list[asyncpg.Record]:
    """Up to `limit` persons after `after` in id order (only `person_id`, when given)."""
    return await conn.fetch(FACTS, after, limit, placements, person_id)


async def claim_search(conn: asyncpg.Connection, *, day, at) -> bool:
    """The day's search, taken by this transaction; False when it ran (or runs) already."""
    row = await conn.fetchrow("INSERT INTO retention_searches (day, ran_at, due) VALUES ($1, $2, 0)"
                              " ON CONFLICT (day) DO NOTHING RETURNING day", day, at)
    return row is not None


async def set_search_due(conn: asyncpg.Connection, *, day, due: int) -> None:
    await conn.execute("UPDATE retention_searches SET due = $2 WHERE day = $1", day, due)
