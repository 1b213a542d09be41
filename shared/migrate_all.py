"""`python -m shared.migrate_all`: apply the migrations of every service's schema and stop.

Each service also does this for its own schema when it starts (shared/db.py: migrate, under an
advisory lock per schema), so this is only for running them ahead, e.g. as the Helm chart's
optional migration Job. Reads OMSORG_DATABASE_URL like the services (shared/settings.py)."""
import asyncio
from pathlib import Path

import services
from shared.db import create_pool, migrate
from shared.settings import get_settings

SERVICES = ("registry", "journal", "orders", "watch", "notify")


async def migrate_all(database_url: str) -> dict[str, list[str]]:
    applied = {}
    for name in SERVICES:
        pool = await create_pool(database_url, name, min_size=1, max_size=1)
        try:
            applied[name] = await migrate(pool, name, Path(services.__file__).parent / name / "migrations")
        finally:
            await pool.close()
    return applied


def main() -> None:
    applied = asyncio.run(migrate_all(get_settings().database_url))
    for name, versions in applied.items():
        print(f"{name}: {', '.join(versions) if versions else 'up to date'}")


if __name__ == "__main__":
    main()
