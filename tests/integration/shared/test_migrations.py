"""Migrations apply once per schema, also when several replicas start at the same time."""
import asyncio

from services.registry.main import SERVICE
from shared.db import create_pool, migrate


async def test_concurrent_starts_apply_each_migration_once(env):
    pools = [await create_pool(env.database_url, "registry") for _ in range(3)]
    try:
        results = await asyncio.gather(*(migrate(p, "registry", SERVICE.migrations) for p in pools))
        applied = [v for r in results for v in r]
        assert sorted(applied) == sorted(set(applied))
        assert "shared:001" in applied and "001" in applied
        assert await migrate(pools[0], "registry", SERVICE.migrations) == []
        rows = await pools[0].fetchval("SELECT count(*) FROM registry.schema_migrations")
        assert rows == len(applied)
    finally:
        for p in pools:
            await p.close()
