"""Culling (gallring) a person's journal when the registry has approved it."""
from uuid import UUID

from services.journal.store import cullings as store
from shared.events.catalog import NotesCulled
from shared.unit_of_work import UnitOfWork


async def cull(uow: UnitOfWork, *, culling_id: UUID, person_id: UUID, person_ref: str | None) -> None:
    """Delete every note of the person's cases with its versions, signatures and addenda, and the
    cases themselves, and confirm with `notes.culled` (counts only). Once per culling."""
    async with uow:
        now = uow.now()
        if not await store.begin(uow.conn, culling_id=culling_id, person_id=person_id, person_ref=person_ref,
                                 culled_at=now):
            return
        counts = await store.cull(uow.conn, culling_id=culling_id, person_id=person_id, person_ref=person_ref)
        uow.publish(NotesCulled(culling_id=culling_id, counts=counts, culled_at=now), key=str(culling_id))
