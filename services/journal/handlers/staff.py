"""Reactions to the registry's staff directory: the name and title shown beside a note's author."""
from services.journal.store import staff as store
from shared.events import Envelope
from shared.events.catalog import StaffChanged
from shared.unit_of_work import UnitOfWork


async def on_staff_changed(uow: UnitOfWork, envelope: Envelope, data: StaffChanged) -> None:
    await store.upsert(uow.conn, subject=data.subject, name=data.name, title=data.title, unit=data.unit,
                       changed_at=data.changed_at)


HANDLERS = {"staff.changed": on_staff_changed}
