"""Reactions to the registry's case events: which cases exist, are open, are removed."""

from services.journal.store import cases as store
from shared.events import Envelope
from shared.events.catalog import CaseClosed, CaseOpened, CaseRemoved, CaseRestored
from shared.unit_of_work import UnitOfWork


async def on_case_opened(uow: UnitOfWork, envelope: Envelope, data: CaseOpened) -> None:
    conn = uow.conn
    await store.insert_open(conn, case_id=data.case_id, unit=data.unit, kind=data.kind,
                            opened_on=data.opened_on, person_id=data.person_id)


async def on_case_closed(uow: UnitOfWork, envelope: Envelope, data: CaseClosed) -> None:
    conn = uow.conn
    await store.mark_closed(conn, case_id=data.case_id, closed_on=data.closed_on)


async def on_case_removed(uow: UnitOfWork, envelope: Envelope, data: CaseRemoved) -> None:
    conn = uow.conn
    await store.mark_removed(conn, case_id=data.case_id, removed_at=data.removed_at)


async def on_case_restored(uow: UnitOfWork, envelope: Envelope, data: CaseRestored) -> None:
    conn = uow.conn
    await store.mark_restored(conn, case_id=data.case_id)


HANDLERS = {"case.opened": on_case_opened, "case.closed": on_case_closed,
            "case.removed": on_case_removed, "case.restored": on_case_restored}
