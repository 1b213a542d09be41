"""A service's units of work on a real database without its process, for tests of its use cases
that count the statements they run."""
import contextlib
from collections.abc import AsyncIterator

from shared.clock import AdjustableClock
from shared.db import create_pool, migrate
from shared.outbox import Outbox
from shared.service import Service
from shared.unit_of_work import Work
from tests import clock


@contextlib.asynccontextmanager
async def one_connection_work(env, service: Service, *, connections: int = 1) -> AsyncIterator[Work]:
    """The service's `Work` on its migrated schema over one pooled connection, so that a logger
    added to it (`logged_statements`) sees every statement (or over `connections`, for work that
    runs at once); the clock is the tests'."""
    pool = await create_pool(env.database_url, service.name, min_size=1, max_size=connections)
    await migrate(pool, service.name, service.migrations)
    service_clock = AdjustableClock(clock.OFFSET)
    try:
        yield Work(pool, Outbox(service.name, env.settings, service_clock), service_clock, env.settings,
                   files_reads=service.files_reads)
    finally:
        await pool.close()


async def logged_statements(work: Work) -> list[str]:
    """The statements `work`'s connection runs from now on, as sent (stripped), filled as they run."""
    statements: list[str] = []
    async with work.pool.acquire() as conn:
        conn.add_query_logger(lambda record: statements.append(record.query.strip()))
    return statements
