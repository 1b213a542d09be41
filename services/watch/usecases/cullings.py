"""Culling (gallring) what watch holds about a person when the registry has approved it."""
from uuid import UUID

from services.watch.store import cullings as store
from shared.events.catalog import WatchesCulled
from shared.unit_of_work import UnitOfWork


async def cull(uow: UnitOfWork, *, culling_id: UUID, case_ids: list[UUID], inquiry_ids: list[UUID]) -> None:
    """Delete the watches, timers and subjects of the person's cases and inquiries and the read
    models of their cases and decisions; confirm with `watches.culled` (counts only). Once per
    culling."""
    async with uow:
        now = uow.now()
        if not await store.begin(uow.conn, culling_id=culling_id, culled_at=now):
            return
        counts = await store.cull(uow.conn, culling_id=culling_id, case_ids=case_ids, inquiry_ids=inquiry_ids)
        uow.publish(WatchesCulled(culling_id=culling_id, counts=counts, culled_at=now), key=str(culling_id))
