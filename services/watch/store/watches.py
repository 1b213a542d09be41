"""SQL for watches (bevakningar): raise or update (one open per subject and kind), resolve, list."""
import json
from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

import asyncpg

from services.watch.domain.access import Scope
from services.watch.domain.rules import KIND_ORDER
from services.watch.domain.watches import ListPosition, Trigger

_KINDS = [str(k) for k in KIND_ORDER]


async def raise_many(conn: asyncpg.Connection, triggers: Sequence[Trigger],
                     now: datetime) -> dict[tuple, asyncpg.Record]:
    """Insert a watch per trigger (a random UUID its id), or update the open one of the same
    subject and kind.

    Rows go in (subject, kind) order so that two replicas firing overlapping batches take
    the unique index's locks in the same order. Returns the stored watch by dedup key.
    """
    order = sorted(range(len(triggers)), key=lambda i: (str(triggers[i].thing.id), triggers[i].rule.kind))
    ts = [triggers[i] for i in order]
    rows = await conn.fetch(
        "INSERT INTO watches AS w (id, kind, rule, subject_type, subject_id, case_id, assignee, unit,"
        "  escalated_to, due_on, raised_at, last_raised_at, trigger_count, details, role)"
        " SELECT gen_random_uuid(), kind, rule, subject_type, subject_id, case_id, assignee, unit, escalated_to,"
        "  due_on, $1, $1, trigger_count, details::jsonb, role"
        " FROM unnest($2::text[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::text[],"
        "  $8::text[], $9::text[], $10::date[], $11::int[], $12::text[], $13::text[]) WITH ORDINALITY"
        "  AS t(kind, rule, subject_type, subject_id, case_id, assignee, unit, escalated_to, due_on,"
        "  trigger_count, details, role, n)"
        " ORDER BY n"
        " ON CONFLICT (subject_id, kind) WHERE status = 'open' DO UPDATE SET rule = EXCLUDED.rule,"
        "  due_on = EXCLUDED.due_on, last_raised_at = EXCLUDED.last_raised_at, details = EXCLUDED.details,"
        "  trigger_count = w.trigger_count + EXCLUDED.trigger_count"
        " RETURNING id, subject_id, kind, trigger_count, raised_at",
        now, [str(t.rule.kind) for t in ts], [t.rule.name for t in ts],
        [str(t.thing.subject) for t in ts], [t.thing.id for t in ts], [t.thing.case_id for t in ts],
        [t.assignee for t in ts], [t.thing.unit for t in ts], [t.escalated_to for t in ts],
        [t.due_on for t in ts], [t.count for t in ts],
        [json.dumps(t.thing.facts, default=str) for t in ts], [t.role for t in ts])
    return {(r["subject_id"], r["kind"]): r for r in rows}


_RESOLVE = (" SET status = 'resolved', resolved_at = $2, resolved_by = $3, resolution = $4"
            " WHERE status = 'open' AND {} RETURNING *")


async def resolve_settled(conn: asyncpg.Connection, *, subject_id: UUID, kinds: Sequence[str], at: datetime,
                          by: str, resolution: str) -> list[asyncpg.Record]:
    return await conn.fetch("UPDATE watches" + _RESOLVE.format("subject_id = $1 AND kind = ANY($5::text[])"),
                            subject_id, at, by, resolution, list(kinds))


async def move_due(conn: asyncpg.Connection, *, subject_id: UUID, kinds: Sequence[str], due_on) -> None:
    await conn.execute("UPDATE watches SET due_on = $3 WHERE subject_id = $1 AND kind = ANY($2::text[])"
                       " AND status = 'open'", subject_id, list(kinds), due_on)


async def resolve_case(conn: asyncpg.Connection, *, case_id: UUID, kinds: Sequence[str], at: datetime, by: str,
                       resolution: str) -> list[asyncpg.Record]:
    """The case's open watches of `kinds` resolved (those of other kinds outlive the closing)."""
    return await conn.fetch("UPDATE watches" + _RESOLVE.format("case_id = $1 AND kind = ANY($5::text[])"),
                            case_id, at, by, resolution, list(kinds))


async def reassign(conn: asyncpg.Connection, *, case_id: UUID | None = None, subject_id: UUID | None = None,
                   caseworker: str, keep_types: Sequence[str] = ()) -> list[asyncpg.Record]:
    """The open watches of a case (or of one subject) that are a caseworker's (not an escalation to
    the supervisors) go to `caseworker`; returns those moved, as they now stand."""
    where = "case_id = $1" if case_id is not None else "subject_id = $1"
    return await conn.fetch(
        f"UPDATE watches SET assignee = $2 WHERE {where} AND status = 'open' AND assignee IS NOT NULL"
        " AND assignee <> $2 AND NOT subject_type = ANY($3::text[]) RETURNING *",
        case_id if case_id is not None else subject_id, caseworker, list(keep_types))


async def resolve_one(conn: asyncpg.Connection, *, watch_id: UUID, at: datetime, by: str,
                      comment: str | None) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "UPDATE watches SET status = 'resolved', resolved_at = $2, resolved_by = $3, resolution = 'manual',"
        " resolution_comment = $4 WHERE id = $1 AND status = 'open' RETURNING *",
        watch_id, at, by, comment)


async def get(conn: asyncpg.Connection, watch_id: UUID, *, for_update: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM watches WHERE id = $1" + (" FOR UPDATE" if for_update else ""),
                               watch_id)


def _where(scope: Scope, kind: str | None) -> tuple[str, list]:
    """The WHERE clause of a list in `scope`; parameters from $2 on ($1 is today)."""
    params: list = []

    def p(value) -> str:
        params.append(value)
        return f"${len(params) + 1}"

    whose = []
    if scope.assignee is not None and scope.unassigned_too:
        mine = p(scope.assignees)
        whose.append(f"(assignee = ANY({mine}::text[]) OR escalated_to = ANY({mine}::text[])"
                     f" OR (assignee IS NULL AND unit = {p(scope.unit)}))")
    else:
        if scope.assignee is not None:
            whose.append(f"assignee = ANY({p(scope.assignees)}::text[])")
        if scope.unit is not None:
            whose.append(f"unit = {p(scope.unit)}")
    mine = " AND ".join(whose) or "false"
    if scope.roles:
        mine = f"(({mine}) OR role = ANY({p(list(scope.roles))}::text[]))"
    clauses = ["status = 'open'", mine]
    if kind is not None:
        clauses.append(f"kind = {p(kind)}")
    return " AND ".join(clauses), params


async def list_open(conn: asyncpg.Connection, scope: Scope, *, today: date, kind: str | None, limit: int,
                    after: ListPosition | None = None) -> tuple[list[asyncpg.Record], list[asyncpg.Record]]:
    """Up to `limit` open watches after the position `after`, ranked as domain.watches.urgency_key
    ranks: overdue first, then due date, kind, age. By due date alone is the same order (see
    domain.watches.ListPosition), so the page's position needs no `today`.

    With the page, in the same statement, the open watches in `scope` counted by kind, of every
    kind whatever `kind` the page is of, as dicts of kind, open and overdue. The statement gives the
    counts as arrays on every row; with no watch on the page, on one row of NULLs."""
    page, params = _where(scope, kind)
    mine, _ = _where(scope, None)   # the same clause without the kind, which is the last parameter
    n = len(params) + 2

    def ranked(w: str) -> str:
        return f"{w}due_on, array_position(${n}::text[], {w}kind), {w}raised_at, {w}id"

    if after is not None:
        page += f" AND ({ranked('')}) > (${n + 2}::date, ${n + 3}::int, ${n + 4}::timestamptz, ${n + 5}::uuid)"
        params_after = [after.due_on, after.kind_rank + 1, after.raised_at, after.id]  # array_position counts from 1
    else:
        params_after = []
    rows = await conn.fetch(
        "WITH counted AS (SELECT array_agg(kind) AS count_kinds, array_agg(open) AS count_open,"
        "  array_agg(overdue) AS count_overdue"
        "  FROM (SELECT kind, count(*) AS open, count(*) FILTER (WHERE due_on < $1) AS overdue"
        f"  FROM watches WHERE {mine} GROUP BY kind) AS by_kind)"
        " SELECT w.*, counted.* FROM counted LEFT JOIN LATERAL"
        f" (SELECT *, due_on < $1 AS overdue FROM watches WHERE {page} ORDER BY {ranked('')} LIMIT ${n + 1}) AS w"
        f" ON true ORDER BY {ranked('w.')}",
        today, *params, _KINDS, limit, *params_after)
    first = rows[0]
    counts = [{"kind": k, "open": o, "overdue": d}
              for k, o, d in zip(first["count_kinds"] or (), first["count_open"] or (), first["count_overdue"] or ())]
    return [r for r in rows if r["id"] is not None], counts
