"""SQL for the occurrence search (förekomstsökning): one indexed round trip per search, its
access-log entry filed in the same statement."""
import asyncpg

from services.registry.store import access_log

# The person by number (persons_pin_key), their cases by person (cases_person), removed
# cases left out, newest first from after the (opened_on, id) of the last case already shown
# ($4, $5). A person with no cases in scope still gives one row, with the case columns null, so
# "registered, nothing found" and "not registered" are told apart in the same query.
OCCURRENCES = """
SELECT p.id AS person_id, c.id, c.unit, c.kind, c.status, c.opened_on, c.closed_on
FROM persons p
LEFT JOIN LATERAL (
    SELECT id, unit, kind, status, opened_on, closed_on
    FROM cases
    WHERE person_id = p.id AND removed_at IS NULL AND ($2::text IS NULL OR unit = $2)
      AND ($4::date IS NULL OR (opened_on, id) < ($4::date, $5::uuid))
    ORDER BY opened_on DESC, id DESC
    LIMIT $3
) c ON true
WHERE p.pin = $1
"""


async def search(conn: asyncpg.Connection, pin: str, *, unit: str | None, after: tuple | None,
                 limit: int, logged: access_log.FiledRead | None = None) -> list[asyncpg.Record]:
    """Rows of the person's cases (in `unit`, or every unit when None), newest first; [] if no such
    person. With `logged`, the search's access-log entry filed in the same statement, against the
    person found, or without a person when no one has the number."""
    opened_on, case_id = after or (None, None)
    if logged is None:
        return await conn.fetch(OCCURRENCES, pin, unit, limit, opened_on, case_id)
    p = access_log.Params([pin, unit, limit, opened_on, case_id])
    filed = access_log.filed(p, person="(SELECT person_id FROM found LIMIT 1)", always=True, **vars(logged))
    return await conn.fetch(f"WITH found AS ({OCCURRENCES}), {filed} SELECT * FROM found", *p)
