"""A connection goes back to the pool without asyncpg's reset query, so what it carries to the
next user must be nothing: no transaction, no LISTEN left by a wake loop that stopped, and no
transaction-level setting or lock."""
import asyncio

import pytest

from shared.db import create_pool
from shared.wake import WakeLoop


@pytest.fixture
async def pool(env):
    pool = await create_pool(env.database_url, "public", min_size=1, max_size=1)  # always the same connection
    yield pool
    await pool.close()


async def test_a_stopped_wake_loop_leaves_its_connection_listening_to_nothing(pool):
    rounds = asyncio.Event()

    async def work():
        rounds.set()
        return 60.0

    loop = WakeLoop("test", pool, poll_seconds=60, channel="test_wake")
    task = asyncio.create_task(loop.run(work))
    await asyncio.wait_for(rounds.wait(), 10)
    with pytest.raises(asyncio.TimeoutError):  # the loop listens on the pool's one connection
        await pool.acquire(timeout=0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with pool.acquire(timeout=5) as conn:
        assert await conn.fetch("SELECT pg_listening_channels()") == []


async def test_what_a_transaction_set_ends_with_it(pool):
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL statement_timeout = '1234ms'")
        assert await conn.fetchval("SELECT pg_try_advisory_xact_lock(42)")
    async with pool.acquire() as conn:
        assert await conn.fetchval("SHOW statement_timeout") == "0"
        assert await conn.fetchval("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                                   " AND pid = pg_backend_pid()") == 0
        assert not conn.is_in_transaction()


async def test_a_transaction_left_open_is_rolled_back_before_the_next_user(pool):
    conn = await pool.acquire()
    await conn.execute("CREATE TEMP TABLE IF NOT EXISTS left_open (n int)")
    transaction = conn.transaction()
    await transaction.start()
    await conn.execute("INSERT INTO left_open VALUES (1)")
    await pool.release(conn)  # without commit or rollback
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM left_open") == 0
