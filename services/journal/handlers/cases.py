"""Reactions to the registry's case events: which cases exist, are open, are removed. Each keeps
the journal's read model of cases (store.cases) in the consumer's unit of work."""

from services.journal.store import cases as store
from shared.events import Envelope
from shared.events.catalog import CaseClosed, CaseOpened, CasePersonMoved, CasePersonRefSet, CaseRemoved, CaseRestored
from shared.unit_of_work import UnitOfWork


async def on_case_opened(uow: UnitOfWork, envelope: Envelope, data: CaseOpened) -> None:
    await store.insert_open(uow.conn, case_id=data.case_id, unit=data.unit, kind=data.kind,
                            opened_on=data.opened_on, person_id=data.person_id,
                            person_ref=data.person_ref)


async def on_case_person_ref_set(uow: UnitOfWork, envelope: Envelope, data: CasePersonRefSet) -> None:
    await store.set_person_ref(uow.conn, case_id=data.case_id, person_ref=data.person_ref)


async def on_case_person_moved(uow: UnitOfWork, envelope: Envelope, data: CasePersonMoved) -> None:
    await store.move_person(uow.conn, case_id=data.case_id, person_id=data.person_id, person_ref=data.person_ref)


async def on_case_closed(uow: UnitOfWork, envelope: Envelope, data: CaseClosed) -> None:
    await store.mark_closed(uow.conn, case_id=data.case_id, closed_on=data.closed_on)


async def on_case_removed(uow: UnitOfWork, envelope: Envelope, data: CaseRemoved) -> None:
    await store.mark_removed(uow.conn, case_id=data.case_id, removed_at=data.removed_at)


async def on_case_restored(uow: UnitOfWork, envelope: Envelope, data: CaseRestored) -> None:
    await store.mark_restored(uow.conn, case_id=data.case_id)


HANDLERS = {"case.opened": on_case_opened, "case.person_ref_set": on_case_person_ref_set,
            "case.person_moved": on_case_person_moved,
            "case.closed": on_case_closed,
            "case.removed": on_case_removed, "case.restored": on_case_restored}
