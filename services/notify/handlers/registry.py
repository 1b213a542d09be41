"""Reactions to the registry's events: the staff directory and covers (ersättare), kept so that an
escalation reaches the named supervisor by e-mail and a cover gets the absent member's notices."""
from shared import staff_read_model as staff
from shared.events import Envelope
from shared.events.catalog import CoverEnded, CoverGranted, StaffChanged
from shared.unit_of_work import UnitOfWork


async def on_staff_changed(uow: UnitOfWork, envelope: Envelope, data: StaffChanged) -> None:
    await staff.record_member(uow, data)


async def on_cover_granted(uow: UnitOfWork, envelope: Envelope, data: CoverGranted) -> None:
    await staff.grant_cover(uow, data)


async def on_cover_ended(uow: UnitOfWork, envelope: Envelope, data: CoverEnded) -> None:
    await staff.end_cover(uow, data)


HANDLERS = {"staff.changed": on_staff_changed, "cover.granted": on_cover_granted, "cover.ended": on_cover_ended}
