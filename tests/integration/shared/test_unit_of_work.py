"""The unit of work on a real database: it commits once, rolls back on an error, keeps what the
access log must keep after a refusal, and when its connection dies mid-work it raises the
database's own error (which callers wait out), leaving the pool usable."""
import pytest

from shared.clock import Clock
from shared.db import DATABASE_AWAY, create_pool
from shared.errors import conflict
from shared.outbox import Outbox
from shared.settings import Settings
from shared.unit_of_work import UnitOfWork


@pytest.fixture
async def pool(env):
    pool = await create_pool(env.database_url, "public")
    await pool.execute("CREATE TABLE things (n int)")
    yield pool
    await pool.close()


def _unit(pool) -> UnitOfWork:
    settings = Settings(env="test")
    return UnitOfWork(pool, Outbox("test", settings, Clock()), Clock(), settings)


async def test_it_commits_once_and_rolls_back_on_an_error(pool):
    async with _unit(pool) as uow:
        await uow.conn.execute("INSERT INTO things VALUES (1)")
        async with uow:  # joined, not a second transaction
            await uow.conn.execute("INSERT INTO things VALUES (2)")
    with pytest.raises(Exception, match="refused"):
        async with _unit(pool) as uow:
            await uow.conn.execute("INSERT INTO things VALUES (3)")
            raise conflict("refused", "refused")
    assert sorted(r["n"] for r in await pool.fetch("SELECT n FROM things")) == [1, 2]


async def test_a_connection_that_dies_mid_work_raises_the_databases_error(pool):
    with pytest.raises(DATABASE_AWAY):
        async with _unit(pool) as uow:
            await uow.conn.execute("INSERT INTO things VALUES (4)")
            await pool.execute("SELECT pg_terminate_backend($1)", uow.conn.get_server_pid())
            await uow.conn.execute("INSERT INTO things VALUES (5)")
    async with _unit(pool) as uow:  # the pool gives a working connection again
        await uow.conn.execute("INSERT INTO things VALUES (6)")
    assert [r["n"] for r in await pool.fetch("SELECT n FROM things")] == [6]
