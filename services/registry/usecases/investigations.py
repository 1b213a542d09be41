"""Investigations (utredningar) of a case: started, about a child due within four months (extended
for särskilda skäl), completed at the latest by the decision."""
from datetime import date, datetime
from uuid import UUID

from asyncpg import Record
from uuid_utils.compat import uuid7

from services.registry.domain import process
from services.registry.domain.persons import is_child_on
from services.registry.store import cases as store
from services.registry.store import persons as person_store
from services.registry.usecases.cases import case_to_work_on, visible_case
from shared import errors
from shared.access.policy import Grant
from shared.etag import ensure_current, etag
from shared.events.catalog import (
    InvestigationCompleted,
    InvestigationExtended,
    InvestigationStarted,
)
from shared.pagination import Listed, decode_cursor, page_of
from shared.unit_of_work import UnitOfWork


async def start_on(uow: UnitOfWork, case: Record, *, started_on: date, started_by: str) -> Record:
    """Start an investigation on a case locked for this work (`case_to_work_on`) and publish
    `investigation.started`; in an open unit of work."""
    process.ensure_can_start_investigation(
        ongoing=await store.ongoing_investigation(uow.conn, case["id"]) is not None,
        started_on=started_on, opened_on=case["opened_on"], today=uow.today())
    person = await person_store.get(uow.conn, case["person_id"])
    about_child = person is not None and is_child_on(person["birth_date"], started_on)
    row = await store.insert_investigation(uow.conn, investigation_id=uuid7(), case_id=case["id"],
                                           started_on=started_on,
                                           due_on=process.investigation_due(started_on, about_child=about_child),
                                           started_by=started_by)
    uow.publish(InvestigationStarted(case_id=case["id"], investigation_id=row["id"], unit=case["unit"],
                                     person_id=case["person_id"], started_on=row["started_on"],
                                     due_on=row["due_on"], started_by=started_by),
                key=str(case["id"]), subject=f"case/{case['id']}")
    return row


async def complete_on(uow: UnitOfWork, case: Record, investigation: Record, *, on: date, by: str) -> Record:
    """Complete an investigation of a case locked for this work and publish `investigation.completed`."""
    row = await store.complete_investigation(uow.conn, investigation["id"], completed_on=on, completed_by=by)
    uow.publish(InvestigationCompleted(case_id=case["id"], investigation_id=row["id"], unit=case["unit"],
                                       completed_on=on, completed_by=by),
                key=str(case["id"]), subject=f"case/{case['id']}")
    return row


async def start_investigation(uow: UnitOfWork, user: Grant, case_id: UUID, *, started_on: date | None) -> Record:
    """Start an investigation of an open case, today unless said otherwise."""
    async with uow:
        case = await case_to_work_on(uow, user, case_id)
        return await start_on(uow, case, started_on=started_on or uow.today(), started_by=user.sub)


async def read_investigation(uow: UnitOfWork, user: Grant, investigation_id: UUID) -> Record:
    """One investigation, as its case may be read; one in a case the user may not see is not found."""
    missing = errors.not_found("investigation_not_found", "No such investigation", str(investigation_id))
    async with uow:
        row = await store.get_investigation_by_id(uow.conn, investigation_id)
        if row is None:
            raise missing
        case = await visible_case(uow, user, row["case_id"], missing=missing)
        uow.log_read(user, resource=f"case/{row['case_id']}/investigations/{investigation_id}",
                     person_id=case["person_id"])
    return row


async def complete_investigation(uow: UnitOfWork, user: Grant, case_id: UUID, investigation_id: UUID, *,
                                 if_match: str | None = None) -> Record:
    """Complete an ongoing investigation today; with `if_match`, only as the user read it (412)."""
    async with uow:
        case = await case_to_work_on(uow, user, case_id)
        investigation = await _investigation(uow, case_id, investigation_id, if_match=if_match)
        if investigation["completed_on"] is not None:
            raise errors.conflict("investigation_completed", "The investigation is already completed",
                                  f"completed on {investigation['completed_on'].isoformat()}")
        return await complete_on(uow, case, investigation, on=uow.today(), by=user.sub)


async def extend_investigation(uow: UnitOfWork, user: Grant, case_id: UUID, investigation_id: UUID, *,
                               due_on: date, reason: str, if_match: str | None = None) -> Record:
    """Extend a child investigation beyond four months, for särskilda skäl stated in `reason`;
    the watch moves its deadline. With `if_match`, only the investigation as the user read it (412)."""
    async with uow:
        case = await case_to_work_on(uow, user, case_id)
        investigation = await _investigation(uow, case_id, investigation_id, if_match=if_match)
        previous = investigation["due_on"]
        process.ensure_can_extend(due_on=previous, settled=investigation["completed_on"] is not None,
                                  new_due_on=due_on, today=uow.today(), what="investigation")
        await store.insert_extension(uow.conn, extension_id=uuid7(), subject_type="investigation",
                                     subject_id=investigation_id, previous_due_on=previous, due_on=due_on,
                                     reason=reason, by=user.sub, at=uow.now())
        row = await store.extend_investigation(uow.conn, investigation_id, due_on=due_on)
        uow.publish(InvestigationExtended(case_id=case_id, investigation_id=investigation_id, unit=case["unit"],
                                          previous_due_on=previous, due_on=due_on, extended_by=user.sub),
                    key=str(case_id), subject=f"case/{case_id}")
    return row


async def list_extensions(uow: UnitOfWork, user: Grant, case_id: UUID, investigation_id: UUID, *, limit: int,
                          cursor: str | None) -> Listed:
    """The extensions of the investigation's deadline, oldest first."""
    start = decode_cursor(cursor, datetime, UUID)
    async with uow:
        case = await visible_case(uow, user, case_id)
        await _investigation(uow, case_id, investigation_id)
        uow.log_read(user, resource=f"case/{case_id}/investigations/{investigation_id}/extensions",
                     person_id=case["person_id"])
        rows = await store.extensions(uow.conn, investigation_id, after=start, limit=limit + 1)
    return page_of(rows, limit, lambda r: (r["extended_at"], r["id"]))


async def _investigation(uow: UnitOfWork, case_id: UUID, investigation_id: UUID, *,
                         if_match: str | None = None) -> Record:
    """The case's investigation (in an open unit of work, the case locked when it is to change);
    with `if_match`, 412 `etag_mismatch` unless it is the investigation as the user read it."""
    investigation = await store.get_investigation(uow.conn, case_id, investigation_id)
    if investigation is None:
        raise errors.not_found("investigation_not_found", "No such investigation on this case")
    ensure_current(if_match, etag(investigation["revision"]))
    return investigation


async def list_investigations(uow: UnitOfWork, user: Grant, case_id: UUID, *, limit: int,
                              cursor: str | None) -> Listed:
    """The case's investigations, oldest first."""
    start = decode_cursor(cursor, date, datetime, UUID)
    async with uow:
        case = await visible_case(uow, user, case_id)
        uow.log_read(user, resource=f"case/{case_id}/investigations", person_id=case["person_id"])
        return await investigations_page(uow, case_id, after=start, limit=limit)


async def investigations_page(uow: UnitOfWork, case_id: UUID, *, after: tuple | None, limit: int) -> Listed:
    """A page of the case's investigations after the cursor's key (the case already seen)."""
    rows = await store.investigations(uow.conn, case_id, after=after, limit=limit + 1)
    return page_of(rows, limit, lambda r: (r["started_on"], r["created_at"], r["id"]))
