"""Culling (gallring) what notify holds about a person when the registry has approved it."""
from uuid import UUID

from services.notify.store import cullings as store
from shared.events.catalog import NotificationsCulled
from shared.unit_of_work import UnitOfWork


async def cull(uow: UnitOfWork, *, culling_id: UUID, case_ids: list[UUID]) -> None:
    """Delete the orders of the person's cases as notify knows them, with every delivery (e-mail,
    webhook, in-app) and in-app notice about them; confirm with `notifications.culled` (counts
    only). Once per culling."""
    async with uow:
        now = uow.now()
        if not await store.begin(uow.conn, culling_id=culling_id, culled_at=now):
            return
        counts = await store.cull(uow.conn, culling_id=culling_id, case_ids=case_ids)
        uow.publish(NotificationsCulled(culling_id=culling_id, counts=counts, culled_at=now), key=str(culling_id))
