"""The responsible caseworker (ansvarig handläggare): handing over a case or an open inquiry to
another caseworker, with a reason kept in the registry (`reassignments`), and reading that history.

A supervisor hands over any open case or inquiry of their unit; a caseworker only one they are
responsible for themselves (the scope `own_identity` of `registry:case.reassign`). Another unit's
case or inquiry is answered as if it did not exist, a closed or removed case as for any other work
on it (`case_to_work_on`). The new caseworker is a member of the unit in the staff directory, active
today, unless the directory has no one in the unit yet (`ensure_may_be_responsible`)."""
from datetime import datetime
from uuid import UUID

from asyncpg import Record
from uuid_utils.compat import uuid7

from services.registry.domain import responsibility as rules
from services.registry.store import reassignments as store
from services.registry.usecases.cases import case_to_work_on, visible_case
from services.registry.usecases.inquiries import InquiryView, _inquiry
from services.registry.usecases.staff import ensure_may_be_responsible
from shared.access.policy import Grant
from shared.events.catalog import CaseReassigned, InquiryReassigned
from shared.pagination import Listed, decode_cursor, page_of
from shared.unit_of_work import UnitOfWork


def _in_own_unit(user: Grant) -> Grant:
    """Whose cases a caseworker may hand over are first those of their unit; that it is their own
    is checked on the case."""
    return user.model_copy(update={"scope": "own_unit"}) if user.scope == rules.OWN else user


async def reassign_case(uow: UnitOfWork, user: Grant, case_id: UUID, *, caseworker: str, reason: str,
                        if_match: str | None = None) -> Record:
    """Make `caseworker` responsible for the open case and publish `case.reassigned`; with
    `if_match`, only the case as read."""
    async with uow:
        case = await case_to_work_on(uow, _in_own_unit(user), case_id, if_match=if_match)
        rules.ensure_may_reassign(scope=user.scope, sub=user.sub, responsible=case["caseworker"], what="case")
        rules.ensure_new_caseworker(current=case["caseworker"], new=caseworker)
        await ensure_may_be_responsible(uow, caseworker, case["unit"])
        now = uow.now()
        row = await store.reassign(uow.conn, subject_type="case", subject_id=case_id, reassignment_id=uuid7(),
                                   previous=case["caseworker"], caseworker=caseworker, reason=reason, by=user.sub,
                                   at=now)
        uow.publish(CaseReassigned(case_id=case_id, unit=row["unit"], previous_caseworker=case["caseworker"],
                                   caseworker=caseworker, reassigned_by=user.sub, reassigned_at=now),
                    key=str(case_id), subject=f"case/{case_id}")
    return row


async def reassign_inquiry(uow: UnitOfWork, user: Grant, inquiry_id: UUID, *, caseworker: str,
                           reason: str, if_match: str | None = None) -> InquiryView:
    """Make `caseworker` responsible for the open inquiry and publish `inquiry.reassigned`."""
    async with uow:
        inquiry = await _inquiry(uow, _in_own_unit(user), inquiry_id, for_update=True, if_match=if_match)
        rules.ensure_inquiry_open(assessed_on=inquiry["assessed_on"], investigation_id=inquiry["investigation_id"])
        rules.ensure_may_reassign(scope=user.scope, sub=user.sub, responsible=inquiry["caseworker"], what="inquiry")
        rules.ensure_new_caseworker(current=inquiry["caseworker"], new=caseworker)
        await ensure_may_be_responsible(uow, caseworker, inquiry["unit"])
        now = uow.now()
        row = await store.reassign(uow.conn, subject_type="inquiry", subject_id=inquiry_id,
                                   reassignment_id=uuid7(), previous=inquiry["caseworker"], caseworker=caseworker,
                                   reason=reason, by=user.sub, at=now)
        uow.publish(InquiryReassigned(inquiry_id=inquiry_id, unit=row["unit"],
                                      previous_caseworker=inquiry["caseworker"], caseworker=caseworker,
                                      reassigned_by=user.sub, reassigned_at=now),
                    key=str(inquiry_id), subject=f"inquiry/{inquiry_id}")
    return InquiryView.on(row, uow.today())


async def case_reassignments(uow: UnitOfWork, user: Grant, case_id: UUID, *, limit: int,
                             cursor: str | None) -> Listed:
    """Every handing over of the case, oldest first, with who, when and why."""
    start = decode_cursor(cursor, datetime, UUID)
    async with uow:
        case = await visible_case(uow, user, case_id)
        uow.log_read(user, resource=f"case/{case_id}/reassignments", person_id=case["person_id"])
        rows = await store.history(uow.conn, case_id, after=start, limit=limit + 1)
    return page_of(rows, limit, lambda r: (r["reassigned_at"], r["id"]))


async def inquiry_reassignments(uow: UnitOfWork, user: Grant, inquiry_id: UUID, *, limit: int,
                                cursor: str | None) -> Listed:
    start = decode_cursor(cursor, datetime, UUID)
    async with uow:
        inquiry = await _inquiry(uow, user, inquiry_id)
        uow.log_read(user, resource=f"inquiry/{inquiry_id}/reassignments", person_id=inquiry["person_id"])
        rows = await store.history(uow.conn, inquiry_id, after=start, limit=limit + 1)
    return page_of(rows, limit, lambda r: (r["reassigned_at"], r["id"]))
