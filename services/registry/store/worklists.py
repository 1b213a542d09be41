"""SQL for the worklists (the caseworker's day). Each query reads one index of migration 011 in
the list's order (docs/worklists.md has their plans); a page after a cursor starts in the index at
the cursor's key (the key is an index condition, not a filter), so a deep page costs what the
first does."""
from datetime import date, datetime
from uuid import UUID

import asyncpg

from services.registry.store import access_log
from services.registry.store.access_log import FiledRead, Params

# Must read exactly as in the indexes of migration 011 for the planner to use them.
# 'infinity' is domain.worklists.NO_DEADLINE (asyncpg maps date.max to and from it).
CASE_ORDER = "COALESCE(ongoing_due_on, DATE 'infinity')"
INTAKE_ORDER = "(assessment_due_on IS NULL), COALESCE(assessment_due_on, received_on)"
OPEN_CASE = "status = 'open' AND removed_at IS NULL"
OPEN_INQUIRY = "assessed_on IS NULL AND investigation_id IS NULL"


def intake_query(*, unit: str, kind: str | None, after: tuple | None, limit: int) -> tuple[str, Params]:
    p = Params()
    sql = ("SELECT id, person_id, unit, kind, received_on, protection_due_on, protection_assessed_at,"
           f" assessment_due_on, caseworker FROM inquiries WHERE unit = {p(unit)} AND {OPEN_INQUIRY}")
    if kind is not None:
        sql += f" AND kind = {p(kind)}"
    if after is not None:
        group, on, last = after
        sql += f" AND ({INTAKE_ORDER}, id) > ({p(bool(group), '::boolean')}, {p(on, '::date')}, {p(last, '::uuid')})"
    return sql + f" ORDER BY {INTAKE_ORDER}, id LIMIT {p(limit)}", p


async def intake(conn: asyncpg.Connection, **query) -> list[asyncpg.Record]:
    """The unit's open inquiries: reports about a child first by assessment due date, then the
    rest oldest first; `after` is the (group, date, id) key of the last one already shown."""
    sql, args = intake_query(**query)
    return await conn.fetch(sql, *args)


def cases_query(*, unit: str, caseworker: str | None, after: tuple | None, limit: int) -> tuple[str, Params]:
    p = Params()
    sql = ("SELECT id, unit, kind, person_id, status, opened_on, caseworker, ongoing_investigation_id,"
           f" ongoing_due_on FROM cases WHERE unit = {p(unit)} AND {OPEN_CASE}")
    if caseworker is not None:
        sql += f" AND caseworker = {p(caseworker)}"
    if after is not None:
        due, opened_on, last = after
        sql += (f" AND ({CASE_ORDER}, opened_on, id) >"
                f" ({p(due, '::date')}, {p(opened_on, '::date')}, {p(last, '::uuid')})")
    return sql + f" ORDER BY {CASE_ORDER}, opened_on, id LIMIT {p(limit)}", p


async def open_cases(conn: asyncpg.Connection, **query) -> list[asyncpg.Record]:
    """The unit's open cases (a caseworker's, when named) by the deadline at risk; `after` is the
    (due date or NO_DEADLINE, opened_on, id) key of the last one already shown."""
    sql, args = cases_query(**query)
    return await conn.fetch(sql, *args)


def overview_query(*, unit: str, today: date, at_risk_until: date, unsigned_before: datetime, after: str | None,
                   limit: int) -> tuple[str, Params]:
    p = Params()
    u, t, r, n = p(unit), p(today, "::date"), p(at_risk_until, "::date"), p(limit)
    s = p(unsigned_before, "::timestamptz")
    later = f" AND caseworker > {p(after)}" if after is not None else ""
    sql = (
        # The open cases from the caseload the registry keeps per caseworker and due date
        # (migrations/025_caseload.sql), not counted case by case.
        "WITH c AS (SELECT caseworker, sum(open_cases) AS open_cases,"
        f" sum(open_cases) FILTER (WHERE due_on < {t}) AS investigations_overdue,"
        f" sum(open_cases) FILTER (WHERE due_on BETWEEN {t} AND {r}) AS investigations_at_risk"
        f" FROM caseload WHERE unit = {u}{later}"
        f" GROUP BY caseworker ORDER BY caseworker LIMIT {n}),"
        " i AS (SELECT caseworker, count(*) AS open_inquiries,"
        f" count(*) FILTER (WHERE assessment_due_on < {t}) AS assessments_overdue,"
        f" count(*) FILTER (WHERE assessment_due_on BETWEEN {t} AND {r}) AS assessments_at_risk,"
        f" count(*) FILTER (WHERE protection_assessed_at IS NULL AND protection_due_on < {t}) AS protections_overdue"
        f" FROM inquiries WHERE unit = {u} AND {OPEN_INQUIRY}{later}"
        f" GROUP BY caseworker ORDER BY caseworker LIMIT {n}),"
        " d AS (SELECT d.decided_by AS caseworker, count(*) AS decisions_awaiting_approval"
        " FROM decisions d JOIN cases c ON c.id = d.case_id"
        f" WHERE d.status = 'awaiting_approval' AND c.unit = {u} AND c.removed_at IS NULL"
        f"{later.replace('caseworker', 'd.decided_by')}"
        f" GROUP BY d.decided_by ORDER BY d.decided_by LIMIT {n}),"
        # Notes of removed cases are marked on their rows (migrations/026): no read of each case.
        " s AS (SELECT author AS caseworker, count(*) AS unsigned_notes_overdue FROM unsigned_notes"
        f" WHERE unit = {u} AND NOT case_removed AND unsigned_since < {s}"
        f"{later.replace('caseworker', 'author')}"
        f" GROUP BY author ORDER BY author LIMIT {n})"
        " SELECT caseworker, COALESCE(open_cases, 0) AS open_cases, COALESCE(open_inquiries, 0) AS open_inquiries,"
        " COALESCE(investigations_overdue, 0) AS investigations_overdue,"
        " COALESCE(investigations_at_risk, 0) AS investigations_at_risk,"
        " COALESCE(assessments_overdue, 0) AS assessments_overdue,"
        " COALESCE(assessments_at_risk, 0) AS assessments_at_risk,"
        " COALESCE(protections_overdue, 0) AS protections_overdue,"
        " COALESCE(decisions_awaiting_approval, 0) AS decisions_awaiting_approval,"
        " COALESCE(unsigned_notes_overdue, 0) AS unsigned_notes_overdue"
        " FROM c FULL JOIN i USING (caseworker) FULL JOIN d USING (caseworker) FULL JOIN s USING (caseworker)"
        f" ORDER BY caseworker LIMIT {n}")
    return sql, p


async def unit_overview(conn: asyncpg.Connection, **query) -> list[asyncpg.Record]:
    """Per responsible caseworker of the unit, by name: open cases and inquiries, and their
    deadlines passed or at risk. Each side takes its first `limit` caseworkers after the cursor,
    which holds the first `limit` of both together."""
    sql, args = overview_query(**query)
    return await conn.fetch(sql, *args)


def decisions_in_force_query(*, person_id: UUID, today: date, unit: str | None, after: tuple | None,
                             limit: int, logged: FiledRead | None = None) -> tuple[str, Params]:
    """One statement for the person's existence and their decisions (one round trip, not three): a
    row of nulls for a person without any, no row for no such person; with `logged`, the read's
    access-log entry filed in the same statement (`access_log.filed`)."""
    p = Params()
    person, t = p(person_id), p(today, "::date")
    filed = "" if logged is None else f"WITH {access_log.filed(p, person=person, **vars(logged))} "
    sql = ("SELECT d.id, d.case_id, c.unit, c.status AS case_status, d.outcome, d.intervention, d.scope_amount,"
           " d.scope_unit, d.valid_from, d.valid_to, d.decided_on, d.follow_up_on"
           " FROM cases c JOIN decisions d ON d.case_id = c.id"
           f" WHERE c.person_id = pr.id AND c.removed_at IS NULL AND d.outcome <> 'rejected'"
           f" AND d.valid_from <= {t} AND (d.valid_to IS NULL OR d.valid_to >= {t})")
    if unit is not None:
        sql += f" AND c.unit = {p(unit)}"
    if after is not None:
        valid_from, last = after
        sql += f" AND (d.valid_from, d.id) > ({p(valid_from, '::date')}, {p(last, '::uuid')})"
    sql += f" ORDER BY d.valid_from, d.id LIMIT {p(limit)}"
    return (f"{filed}SELECT d.* FROM persons pr LEFT JOIN LATERAL ({sql}) d ON true WHERE pr.id = {person}"
            " ORDER BY d.valid_from, d.id"), p


async def decisions_in_force(conn: asyncpg.Connection, **query) -> list[asyncpg.Record] | None:
    """The person's decisions in force on `today`, in the cases of `unit` (None: every unit), cases
    removed by support left out; oldest valid_from first. None when there is no such person."""
    sql, args = decisions_in_force_query(**query)
    rows = await conn.fetch(sql, *args)
    if not rows:
        return None
    return [r for r in rows if r["id"] is not None]   # a person without any: one row of nulls
