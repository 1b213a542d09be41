"""SQL for orders and their history. A state change, its history row and its events are written
in one statement (`move`), inside the caller's unit of work; with `if_unchanged`, only if the
order is still the version read (`Changed` otherwise)."""
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.orders.domain.orders import OrderState
from shared.outbox import Outbox, Pending

MAX_HISTORY = 500

# What an order is read with, beside its own columns: its provider's contact and offer and the
# read models' case and decision, so that one locked read is enough (`read_models.views`).
_WITH = """p.name AS provider_name, p.email AS provider_email, p.webhook_url AS provider_webhook_url,
       p.interventions AS provider_interventions,
       c.unit AS case_unit, c.status AS case_status, c.removed_at AS case_removed_at,
       d.case_id AS decision_case_id, d.unit AS decision_unit, d.intervention AS decision_intervention,
       d.outcome AS decision_outcome, d.status AS decision_status, d.valid_from, d.valid_to"""
_JOINS = """JOIN providers p ON p.id = o.provider_id
  LEFT JOIN cases c ON c.case_id = o.case_id
  LEFT JOIN decisions d ON d.decision_id = o.decision_id"""

# A history entry `h` as the municipality sees it, in JSON.
_ENTRY = ("json_build_object('action', h.action, 'from_state', h.from_state, 'to_state', h.to_state,"
          " 'actor', h.actor, 'at', h.at, 'reason', h.reason, 'detail', h.detail)")

# An order with `_WITH`, its revision (the sequence number of its newest history entry: its
# ETag's number) and `row_version`, the version of its row as read (`move(if_unchanged=…)`).
_ORDER = f"""
SELECT o.*, o.xmin::text AS row_version, {_WITH},
       (SELECT max(seq) FROM order_history WHERE order_id = o.id) AS revision{{history}}
  FROM orders o {_JOINS}
 WHERE o.id = $1{{lock}}
"""

# What the municipality also sees of an order: its history and its delivered totals, as JSON.
_HISTORY = f""",
       (SELECT coalesce(json_agg({_ENTRY} ORDER BY h.seq), '[]')
          FROM (SELECT * FROM order_history WHERE order_id = o.id ORDER BY seq LIMIT {MAX_HISTORY}) h) AS history,
       (SELECT json_build_object(
                   'reports', count(*),
                   'minutes', coalesce(sum(quantity) FILTER (WHERE measure = 'minutes'), 0),
                   'units', coalesce(sum(quantity) FILTER (WHERE measure = 'units'), 0))
          FROM deliveries WHERE order_id = o.id AND voided_at IS NULL) AS deliveries"""

_QUERIES = {(lock, history): _ORDER.format(lock=" FOR UPDATE OF o" if lock else "", history=_HISTORY if history else "")
            for lock in (False, True) for history in (False, True)}


async def insert(conn: asyncpg.Connection, *, order_id: UUID, case_id: UUID, decision_id: UUID,
                 provider_id: UUID, unit: str, person_id: UUID | None, intervention: str, details: str,
                 wanted_start, created_by: str, created_at: datetime, detail: dict,
                 reason: str | None = None, idempotency_key: str | None = None, request_hash: str | None = None,
                 replaces_order_id: UUID | None = None) -> asyncpg.Record | None:
    """A draft and its first history entry ('create', with `detail` and `reason`), in one
    statement, which answers the draft as `get(with_history=True)` reads it; None when the creator
    already used the idempotency key (concurrent retries race here), and then neither is written."""
    return await conn.fetchrow(
        _INSERT, order_id, case_id, decision_id, provider_id, unit, person_id, intervention, details, wanted_start,
        OrderState.DRAFT.value, created_by, created_at, idempotency_key, request_hash, replaces_order_id, reason,
        json.loads(json.dumps(detail, default=str)),
    )


# The draft and its 'create' entry, answered as `_ORDER` with `_HISTORY` reads it (a new draft's
# history is that entry, its revision the entry's number, and nothing is delivered yet).
_INSERT = f"""
WITH o AS (INSERT INTO orders (id, case_id, decision_id, provider_id, unit, person_id, intervention, details,
                               wanted_start, state, created_by, created_at, idempotency_key, request_hash,
                               replaces_order_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           ON CONFLICT (created_by, idempotency_key) DO NOTHING RETURNING *, xmin::text AS row_version),
     h AS (INSERT INTO order_history (order_id, action, from_state, to_state, actor, at, reason, detail)
           SELECT id, 'create', NULL, $10, $11, $12, $16, $17 FROM o RETURNING *)
SELECT o.*, {_WITH},
       h.seq AS revision, json_build_array({_ENTRY}) AS history,
       json_build_object('reports', 0, 'minutes', 0, 'units', 0) AS deliveries
  FROM o JOIN h ON h.order_id = o.id {_JOINS}
"""


async def by_key(conn: asyncpg.Connection, created_by: str, idempotency_key: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT id, request_hash FROM orders WHERE created_by = $1 AND idempotency_key = $2",
                               created_by, idempotency_key)


async def get(conn: asyncpg.Connection, order_id: UUID, *, for_update: bool = False,
              with_history: bool = False) -> asyncpg.Record | None:
    """The order with its provider, case and decision; `for_update` locks the order, so that
    changes of one order take turns; `with_history` adds its history and delivered totals.

    A locked order is read in a statement after the lock's own: a statement that waited for the
    lock sees the locked row as the change before it committed, but the rest (its history, so its
    revision) as when the statement began; the next statement sees all of that change."""
    if for_update:
        await conn.execute("SELECT FROM orders WHERE id = $1 FOR UPDATE", order_id)
    return await conn.fetchrow(_QUERIES[(for_update, with_history)], order_id)


class Changed(Exception):
    """The order changed after it was read: `move(if_unchanged=…)` wrote nothing."""


async def move(conn: asyncpg.Connection, order_id: UUID, *, action: str, from_state: str | None, to_state: str,
               actor: str, at: datetime, reason: str | None = None, detail: dict | None = None,
               outbox: Outbox | None = None, events: Sequence[Pending] = (), if_unchanged: str | None = None,
               **columns: Any) -> dict[str, Any]:
    """Set the order's state (and `columns`) and append the change to its history, with `events`
    recorded in `outbox`, in one statement; returns the history entry, with the order's new
    `revision` (its ETag's number).

    `if_unchanged`: the `row_version` the order was read with; the statement then changes it only
    if no other change of it committed since (every change writes a new version of the row, and
    an UPDATE that waited for another's lock checks its condition against the row that change
    left), and raises `Changed` when one did, having written nothing."""
    detail = json.loads(json.dumps(detail or {}, default=str))
    first = 10 if if_unchanged is not None else 9
    assignments = "".join(f", {name} = ${i + first}" for i, name in enumerate(columns))
    unchanged = " AND xmin = $9::text::xid" if if_unchanged is not None else ""
    moved = f"moved AS (UPDATE orders SET state = $4{assignments} WHERE id = $1{unchanged} RETURNING id)"
    entry = ("INSERT INTO order_history (order_id, action, from_state, to_state, actor, at, reason, detail)"
             " SELECT id, $2, $3, $4, $5, $6, $7, $8 FROM moved RETURNING seq")
    args = (order_id, action, from_state, to_state, actor, at, reason, detail,
            *((if_unchanged,) if if_unchanged is not None else ()), *columns.values())
    if events:
        written = await outbox.with_write(conn, entry, args, events, before=moved)
        revision = written["seq"] if written is not None else None
    else:
        revision = await conn.fetchval(f"WITH {moved} {entry}", *args)
    if revision is None:
        raise Changed(order_id)
    return {"action": action, "from_state": from_state, "to_state": to_state, "actor": actor, "at": at,
            "reason": reason, "detail": detail, "revision": revision}


async def lock_of_case(conn: asyncpg.Connection, case_id: UUID, states: list[str]) -> list[asyncpg.Record]:
    """The case's orders in `states`, locked in id order: a delivery report in flight on one of
    them commits first, and one that comes after finds the order's new state."""
    return await conn.fetch("SELECT id, state, case_id, provider_id, sent_by, opened_at FROM orders"
                            " WHERE case_id = $1 AND state = ANY($2::text[]) ORDER BY id FOR UPDATE",
                            case_id, states)


async def of_case(conn: asyncpg.Connection, case_id: UUID, *, after: UUID | None, limit: int) -> list[asyncpg.Record]:
    """A case's orders by id (the oldest first: ids are UUIDv7); keyset-paged after the last id shown."""
    return await conn.fetch(
        "SELECT o.*, p.name AS provider_name FROM orders o JOIN providers p ON p.id = o.provider_id"
        " WHERE o.case_id = $1 AND ($2::uuid IS NULL OR o.id > $2) ORDER BY o.id LIMIT $3",
        case_id, after, limit)


async def of_person(conn: asyncpg.Connection, person_id: UUID, *, unit: str | None, after: UUID | None,
                    limit: int) -> list[asyncpg.Record]:
    """A person's orders in every case of theirs that is not removed, in `unit` only unless it
    is None; oldest first by id, keyset-paged after the last id shown (index orders_person)."""
    return await conn.fetch(
        "SELECT o.*, p.name AS provider_name FROM orders o JOIN providers p ON p.id = o.provider_id"
        " WHERE o.person_id = $1 AND ($2::text IS NULL OR o.unit = $2) AND ($3::uuid IS NULL OR o.id > $3)"
        "   AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.case_id = o.case_id AND c.removed_at IS NOT NULL)"
        " ORDER BY o.id LIMIT $4",
        person_id, unit, after, limit)


# The provider's inbox: what was sent to it, except what was recalled before it was opened;
# unopened first, then the newest sent first. The ordering matches the index orders_inbox.
_INBOX = """
SELECT o.id, o.state, o.person_id, o.intervention, o.wanted_start, o.sent_at, o.opened_at, o.recalled_at,
       (o.opened_at IS NOT NULL) AS opened
  FROM orders o
 WHERE o.provider_id = $1 AND o.sent_at IS NOT NULL
   AND NOT (o.state = 'recalled' AND o.opened_at IS NULL)
   AND ($2::boolean IS NULL OR (o.opened_at IS NOT NULL) > $2
        OR ((o.opened_at IS NOT NULL) = $2 AND (o.sent_at, o.id) < ($3, $4)))
 ORDER BY (o.opened_at IS NOT NULL), o.sent_at DESC, o.id DESC
 LIMIT $5
"""


async def inbox(conn: asyncpg.Connection, provider_id: UUID, *, after: tuple[bool, datetime, UUID] | None,
                limit: int) -> list[asyncpg.Record]:
    """Keyset-paged after the (opened, sent_at, id) of the last one shown."""
    opened, sent_at, order_id = after if after else (None, None, None)
    return await conn.fetch(_INBOX, provider_id, opened, sent_at, order_id, limit)


# A citizen's own orders: those of their cases (by the case's person reference) that were sent;
# a draft is the municipality's work in progress. Removed cases are out of the view.
async def of_person_ref(conn: asyncpg.Connection, person_ref: str, *, after: tuple[datetime, UUID] | None,
                        limit: int) -> list[asyncpg.Record]:
    """Oldest sent first; keyset-paged after the (sent_at, id) of the last one shown."""
    sent_at, order_id = after or (None, None)
    return await conn.fetch(
        "SELECT o.*, p.name AS provider_name FROM cases c"
        " JOIN orders o ON o.case_id = c.case_id JOIN providers p ON p.id = o.provider_id"
        " WHERE c.person_ref = $1 AND c.removed_at IS NULL AND o.state <> 'draft'"
        "   AND ($2::timestamptz IS NULL OR (o.sent_at, o.id) > ($2, $3::uuid))"
        " ORDER BY o.sent_at, o.id LIMIT $4",
        person_ref, sent_at, order_id, limit)
