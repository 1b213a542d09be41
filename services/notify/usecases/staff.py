"""The staff directory and covers (ersättare), kept from the registry's events."""
from services.notify.store import staff as store
from shared.events.catalog import CoverEnded, CoverGranted, StaffChanged
from shared.unit_of_work import UnitOfWork


async def record_member(uow: UnitOfWork, data: StaffChanged) -> None:
    async with uow:
        await store.record_member(uow.conn, data)


async def grant_cover(uow: UnitOfWork, data: CoverGranted) -> None:
    async with uow:
        await store.grant_cover(uow.conn, data)


async def end_cover(uow: UnitOfWork, data: CoverEnded) -> None:
    async with uow:
        await store.end_cover(uow.conn, cover_id=data.cover_id, unit=data.unit, absent=data.absent,
                              cover=data.cover, ended_on=data.ended_on)
