"""Culling (gallring) what orders holds about a person when the registry has approved it."""
from uuid import UUID

from services.orders.store import cullings as store
from shared.events.catalog import OrdersCulled
from shared.unit_of_work import UnitOfWork


async def cull(uow: UnitOfWork, *, culling_id: UUID, person_id: UUID, person_ref: str | None) -> None:
    """Delete the person's orders with their history and deliveries, and the read models of their
    cases and decisions; confirm with `orders.culled` (counts only). Once per culling."""
    async with uow:
        now = uow.now()
        if not await store.begin(uow.conn, culling_id=culling_id, culled_at=now):
            return
        counts = await store.cull(uow.conn, culling_id=culling_id, person_id=person_id, person_ref=person_ref)
        uow.publish(OrdersCulled(culling_id=culling_id, counts=counts, culled_at=now), key=str(culling_id))
