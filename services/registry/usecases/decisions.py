"""Decisions (beslut) on a case: made on its latest investigation, which the decision completes,
with its basis communicated to the person first (kommunicering) or the reason why not."""
from datetime import date, datetime
from uuid import UUID

from asyncpg import Record
from uuid6 import uuid7

from services.registry.domain import process
from services.registry.domain.process import Communication, Outcome
from services.registry.store import cases as store
from services.registry.usecases import investigations
from services.registry.usecases.cases import case_to_work_on, visible_case
from shared.access.policy import Grant
from shared.events.catalog import DecisionMade
from shared.pagination import Listed, decode_cursor, page_of
from shared.unit_of_work import UnitOfWork


async def make_decision(uow: UnitOfWork, user: Grant, case_id: UUID, *, intervention: str, outcome: Outcome,
                        valid_from: date, valid_to: date | None, follow_up_on: date | None,
                        communication: Communication) -> Record:
    """Decide on the case today; an investigation still ongoing is completed by the decision."""
    process.check_validity(valid_from=valid_from, valid_to=valid_to, follow_up_on=follow_up_on)
    today = uow.today()
    async with uow:
        case = await case_to_work_on(uow, user, case_id)
        investigation = await store.latest_investigation(uow.conn, case_id)
        process.ensure_has_investigation(investigation is not None)
        process.check_communication(communication, decided_on=today,
                                    investigation_started_on=investigation["started_on"])
        if investigation["completed_on"] is None:
            await investigations.complete_on(uow, case, investigation, on=today, by=user.sub)
        c = communication
        row = await store.insert_decision(
            uow.conn, decision_id=uuid7(), case_id=case_id, investigation_id=investigation["id"], outcome=outcome,
            intervention=intervention, valid_from=valid_from, valid_to=valid_to, follow_up_on=follow_up_on,
            decided_on=today, decided_by=user.sub, communicated=c.communicated, communicated_on=c.communicated_on,
            communication_method=c.method, not_communicated_reason=c.not_communicated_reason)
        uow.publish(DecisionMade(
            case_id=case_id, decision_id=row["id"], unit=case["unit"], person_id=case["person_id"],
            intervention=row["intervention"], outcome=row["outcome"], valid_from=row["valid_from"],
            valid_to=row["valid_to"], follow_up_on=row["follow_up_on"], decided_on=row["decided_on"],
            decided_by=row["decided_by"]), key=str(case_id), subject=f"case/{case_id}")
    return row


async def list_decisions(uow: UnitOfWork, user: Grant, case_id: UUID, *, limit: int, cursor: str | None) -> Listed:
    """The case's decisions, oldest first."""
    start = decode_cursor(cursor, date, datetime, UUID)
    async with uow:
        case = await visible_case(uow, user, case_id)
        uow.log_read(user, resource=f"case/{case_id}/decisions", person_id=case["person_id"])
        rows = await store.decisions(uow.conn, case_id, after=start, limit=limit + 1)
    return page_of(rows, limit, lambda r: (r["decided_on"], r["created_at"], r["id"]))
