"""Which journal notes wait for a signature, as the registry keeps them from journal.events for
the supervisor's overview of the unit (worklists.unit_overview)."""
from datetime import datetime
from uuid import UUID

from services.registry.store import unsigned_notes as store
from shared.unit_of_work import UnitOfWork


async def unsigned(uow: UnitOfWork, *, note_id: UUID, case_id: UUID, author: str, version: int,
                   since: datetime, unit: str | None = None) -> None:
    """A version written or corrected: it waits for the signature of who wrote it."""
    async with uow:
        await store.unsigned(uow.conn, note_id=note_id, case_id=case_id, author=author, version=version,
                             since=since, unit=unit)


async def signed(uow: UnitOfWork, *, note_id: UUID, version: int) -> None:
    async with uow:
        await store.signed(uow.conn, note_id=note_id, version=version)


async def removed(uow: UnitOfWork, note_id: UUID) -> None:
    """A note removed (written on the wrong person) is no longer anyone's to sign."""
    async with uow:
        await store.removed(uow.conn, note_id)
