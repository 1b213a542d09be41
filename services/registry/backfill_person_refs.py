"""Publish the person reference of every case: `python -m services.registry.backfill_person_refs`.

For an installation whose cases were opened before `case.opened` carried `person_ref`: orders and
the journal then know every case's citizen (their /me lists). Goes through the registry's outbox
like any event; the running registry relays it. Harmless to run again. Uses the OMSORG_* settings."""
import asyncio
from datetime import timedelta

from services.registry.usecases.person_refs import republish
from shared.clock import AdjustableClock, Clock
from shared.db import create_pool
from shared.outbox import Outbox
from shared.settings import get_settings
from shared.unit_of_work import UnitOfWork


async def run() -> int:
    settings = get_settings()
    clock = (AdjustableClock(timedelta(seconds=settings.clock_offset_seconds))
             if settings.env in ("dev", "test") else Clock())
    pool = await create_pool(settings.database_url, "registry", max_size=2)
    try:
        uow = UnitOfWork(pool, Outbox("registry", settings, clock), clock, settings)
        return await republish(uow, progress=lambda done: print(f"{done} cases ...", flush=True))
    finally:
        await pool.close()


def main() -> None:
    print(f"published the person reference of {asyncio.run(run())} cases")


if __name__ == "__main__":
    main()
