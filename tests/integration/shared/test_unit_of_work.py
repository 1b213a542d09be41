"""The unit of work on a real database: it commits once, rolls back on an error, keeps what the
access log must keep after a refusal, and when its connection dies mid-work it raises the
database's own error (which callers wait out), leaving the pool usable."""
import pytest

from shared.access.policy import Grant
from shared.clock import Clock
from shared.db import DATABASE_AWAY, create_pool
from shared.errors import conflict
from shared.events.catalog.audit import AccessLogged
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


# --- work that only reads --------------------------------------------------------------------

ANNA = Grant(sub="anna", roles=["caseworker"], unit="vuxen", action="registry:case.read", scope="own_unit")


@pytest.fixture
async def reads(pool):
    await pool.execute("CREATE TABLE reads (resource text, action text, in_transaction boolean)")

    async def file_reads(conn, source, entries):
        for entry in entries:
            await conn.execute("INSERT INTO reads VALUES ($1, $2, $3)",
                               entry.resource, entry.action, conn.is_in_transaction())

    settings = Settings(env="test")
    return lambda: UnitOfWork(pool, Outbox("test", settings, Clock()), Clock(), settings, files_reads=file_reads)


async def _filed(pool) -> list[tuple]:
    return [tuple(r) for r in await pool.fetch("SELECT resource, action, in_transaction FROM reads ORDER BY resource")]


async def test_work_that_only_reads_opens_no_transaction_and_files_what_it_read(pool, reads):
    uow = reads()
    async with uow.reading():
        assert not uow.conn.is_in_transaction()
        uow.log_read(ANNA, resource="person/1")
    assert await _filed(pool) == [("person/1", "read", False)]   # one entry: one statement, atomic of itself

    async with uow.reading():
        uow.log_read(ANNA, resource="person/2")
        uow.log_read(ANNA, resource="person/3")
    assert await _filed(pool) == [("person/1", "read", False), ("person/2", "read", True), ("person/3", "read", True)]

    async with uow:  # the next work of the same unit is a transaction again
        assert uow.conn.is_in_transaction()


async def test_reading_inside_an_open_unit_joins_its_transaction(pool, reads):
    uow = reads()
    with pytest.raises(Exception, match="refused"):
        async with uow:
            await uow.conn.execute("INSERT INTO things VALUES (7)")
            async with uow.reading():
                assert uow.conn.is_in_transaction()
                uow.log_read(ANNA, resource="person/4")
            raise conflict("refused", "refused")
    assert await pool.fetch("SELECT n FROM things") == []
    assert await _filed(pool) == []
    async with uow:  # reading() inside did not leave the unit reading
        assert uow.conn.is_in_transaction()


async def test_a_read_refused_files_only_the_refusal(pool, reads):
    uow = reads()
    with pytest.raises(Exception, match="outside your unit"):
        async with uow.reading():
            uow.log_read(ANNA, resource="person/5")
            uow.ensure_unit(ANNA, "barn", resource="person/6", person_id=None)
    assert await _filed(pool) == [("person/6", "read_refused", True)]


# --- work whose one write is one statement ---------------------------------------------------

async def test_a_single_write_runs_without_begin_and_commit(pool, reads):
    uow = reads()
    statements: list[str] = []

    def logged(record):
        statements.append(record.query.strip().rstrip(";").upper())

    async with uow.single_write():
        uow.conn.add_query_logger(logged)
        assert not uow.conn.is_in_transaction()
        await uow.conn.execute("INSERT INTO things VALUES (8)")
        uow.log_read(ANNA, resource="person/7")
    assert "BEGIN" not in statements and "COMMIT" not in statements
    assert statements == ["INSERT INTO THINGS VALUES (8)", "INSERT INTO READS VALUES ($1, $2, $3)"]
    assert [r["n"] for r in await pool.fetch("SELECT n FROM things")] == [8]
    assert await _filed(pool) == [("person/7", "read", False)]
    async with uow:  # the next work of the same unit is a transaction again
        assert uow.conn.is_in_transaction()
        uow.conn.remove_query_logger(logged)


async def test_a_single_write_cannot_publish_but_joins_an_open_units_transaction(pool, reads):
    uow = reads()
    event = AccessLogged(actor="anna", roles=["caseworker"], action="read", resource="person/8", at=Clock().now())
    with pytest.raises(RuntimeError, match="cannot publish"):
        async with uow.single_write():
            uow.publish(event, key="person/8")
    with pytest.raises(Exception, match="refused"):
        async with uow:
            async with uow.single_write():
                assert uow.conn.is_in_transaction()
                uow.publish(event, key="person/8")   # joined: it would commit with the unit's work
            raise conflict("refused", "refused")     # (rolled back: this test's database has no outbox)
    async with uow.single_write():
        assert not uow.conn.is_in_transaction()
    with pytest.raises(RuntimeError, match="cannot publish"):   # a single write again refuses
        async with uow.single_write():
            uow.publish(event, key="person/8")
