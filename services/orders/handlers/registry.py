"""Reactions to the registry's events: orders' read models of cases and decisions.

Each is called inside the consumer's unit of work (the batch's transaction, with its inbox rows)
and writes one row of a read model; a closed case also ends its orders (usecases/cases.py)."""

from services.orders.store import read_models as store
from services.orders.usecases import cases
from shared.events import Envelope
from shared.events.catalog import (
    CaseClosed,
    CaseOpened,
    CasePersonMoved,
    CasePersonRefSet,
    CaseRemoved,
    CaseRestored,
    DecisionApproved,
    DecisionMade,
    DecisionRefused,
)
from shared.unit_of_work import UnitOfWork


async def on_case_opened(uow: UnitOfWork, envelope: Envelope, data: CaseOpened) -> None:
    await store.insert_case(uow.conn, case_id=data.case_id, unit=data.unit, kind=data.kind,
                            person_id=data.person_id, opened_on=data.opened_on, person_ref=data.person_ref)


async def on_case_person_ref_set(uow: UnitOfWork, envelope: Envelope, data: CasePersonRefSet) -> None:
    await store.set_person_ref(uow.conn, case_id=data.case_id, person_ref=data.person_ref)


async def on_case_person_moved(uow: UnitOfWork, envelope: Envelope, data: CasePersonMoved) -> None:
    await store.move_person(uow.conn, case_id=data.case_id, person_id=data.person_id, person_ref=data.person_ref)


async def on_case_closed(uow: UnitOfWork, envelope: Envelope, data: CaseClosed) -> None:
    await cases.close_case(uow, data)


async def on_case_removed(uow: UnitOfWork, envelope: Envelope, data: CaseRemoved) -> None:
    await store.remove_case(uow.conn, case_id=data.case_id, removed_at=data.removed_at)


async def on_case_restored(uow: UnitOfWork, envelope: Envelope, data: CaseRestored) -> None:
    await store.restore_case(uow.conn, case_id=data.case_id)


async def on_decision_made(uow: UnitOfWork, envelope: Envelope, data: DecisionMade) -> None:
    await store.insert_decision(uow.conn, decision_id=data.decision_id, case_id=data.case_id, unit=data.unit,
                                person_id=data.person_id, intervention=data.intervention, outcome=data.outcome,
                                valid_from=data.valid_from, valid_to=data.valid_to,
                                follow_up_on=data.follow_up_on, decided_on=data.decided_on,
                                decided_by=data.decided_by, status=data.status)


async def on_decision_approved(uow: UnitOfWork, envelope: Envelope, data: DecisionApproved) -> None:
    await store.set_decision_status(uow.conn, decision_id=data.decision_id, status="in_force")


async def on_decision_refused(uow: UnitOfWork, envelope: Envelope, data: DecisionRefused) -> None:
    await store.set_decision_status(uow.conn, decision_id=data.decision_id, status="refused")


HANDLERS = {"case.opened": on_case_opened, "case.person_ref_set": on_case_person_ref_set,
            "case.person_moved": on_case_person_moved, "case.closed": on_case_closed, "case.removed": on_case_removed,
            "case.restored": on_case_restored, "decision.made": on_decision_made,
            "decision.approved": on_decision_approved, "decision.refused": on_decision_refused}
