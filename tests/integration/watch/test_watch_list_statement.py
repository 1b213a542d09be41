"""The watch list's page and its counts by kind come from one statement, on a real database and
without a service process: the counts cover every open watch in the list's scope (of every kind,
whatever kind the page is of, on every page), the page keeps its rank, and an empty page still
has its counts."""
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from services.watch.domain.access import Scope
from services.watch.domain.rules import KIND_ORDER
from services.watch.domain.watches import position_of
from services.watch.store import watches as store
from shared.db import create_pool, migrate
from tests import clock

MIGRATIONS = Path(store.__file__).parents[1] / "migrations"


@pytest.fixture
async def pool(env):
    pool = await create_pool(env.database_url, "watch")
    await migrate(pool, "watch", MIGRATIONS)
    try:
        yield pool
    finally:
        await pool.close()


async def add_watch(pool, *, kind: str, assignee: str, due_in_days: int, status: str = "open") -> uuid.UUID:
    now, watch_id = clock.now(), uuid.uuid4()
    await pool.execute(
        "INSERT INTO watches (id, kind, rule, subject_type, subject_id, assignee, unit, due_on, raised_at,"
        " last_raised_at, status, resolved_at) VALUES ($1, $2, 'r', 'order', $3, $4, 'vuxen', $5, $6, $6, $7, $8)",
        watch_id, kind, uuid.uuid4(), assignee, clock.today() + timedelta(days=due_in_days), now, status,
        now if status == "resolved" else None)
    return watch_id


async def test_the_page_and_its_counts_by_kind_are_one_statement(pool):
    me = f"cw-{uuid.uuid4().hex[:8]}"
    first, second = (str(k) for k in KIND_ORDER[:2])
    mine = [await add_watch(pool, kind=first, assignee=me, due_in_days=d) for d in (-3, -1, 0, 2, 5)]
    mine += [await add_watch(pool, kind=second, assignee=me, due_in_days=d) for d in (-2, 4)]
    await add_watch(pool, kind=first, assignee=me, due_in_days=-9, status="resolved")   # not open: not counted
    await add_watch(pool, kind=first, assignee="someone-else", due_in_days=-9)        # not in scope
    scope = Scope(assignee=me, unit=None)
    today = clock.today()

    statements: list[str] = []
    async with pool.acquire() as conn:
        await store.list_open(conn, scope, today=today, kind=first, limit=3)  # asyncpg learns the types once
        conn.add_query_logger(lambda record: statements.append(record.query))
        page, counts = await store.list_open(conn, scope, today=today, kind=first, limit=3)
    assert len(statements) == 1, statements
    assert sorted((c["kind"], c["open"], c["overdue"]) for c in counts) == sorted([(first, 5, 2), (second, 2, 1)])
    assert [r["kind"] for r in page] == [first] * 3
    assert [r["due_on"] for r in page] == [today - timedelta(days=3), today - timedelta(days=1), today]
    assert [r["overdue"] for r in page] == [True, True, False]

    # The next page, after the last of this one: the rest of the kind, the same counts.
    async with pool.acquire() as conn:
        rest, again = await store.list_open(conn, scope, today=today, kind=first, limit=3,
                                            after=position_of(page[-1]))
    assert [r["due_on"] for r in rest] == [today + timedelta(days=2), today + timedelta(days=5)]
    assert again == counts

    # Every kind, ranked by due date: all seven of mine.
    async with pool.acquire() as conn:
        everything, _ = await store.list_open(conn, scope, today=today, kind=None, limit=50)
    assert sorted(r["id"] for r in everything) == sorted(mine)
    assert [r["due_on"] for r in everything] == sorted(r["due_on"] for r in everything)

    # A page past the end is empty and still counted.
    async with pool.acquire() as conn:
        none, counted = await store.list_open(conn, scope, today=today, kind=first, limit=3,
                                              after=position_of(rest[-1]))
    assert none == [] and len(counted) == 2

    # A list with no watch at all: no page, no counts.
    async with pool.acquire() as conn:
        empty, nothing = await store.list_open(conn, Scope(assignee="nobody-" + me, unit=None), today=today,
                                               kind=None, limit=3)
    assert (empty, nothing) == ([], [])
