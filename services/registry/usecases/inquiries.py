"""Intake (aktualisering): an inquiry is recorded, a report about a child gets its initial
assessment (förhandsbedömning), and an inquiry may lead to an investigation, in a new case or in
one the person already has."""
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from asyncpg import Record
from uuid_utils.compat import uuid7

from services.registry.domain import inquiries as rules
from services.registry.domain import process
from services.registry.domain.cases import CaseKind
from services.registry.domain.inquiries import AssessmentOutcome, InquiryKind
from services.registry.store import cases as case_store
from services.registry.store import inquiries as store
from services.registry.store import persons as person_store
from services.registry.usecases import investigations
from services.registry.usecases.cases import case_to_work_on, open_case, visible_case
from shared import errors
from shared.access.policy import Grant
from shared.clock import local_date
from shared.etag import ensure_current, etag
from shared.events.catalog import (
    InquiryAssessed,
    InquiryAssessmentExtended,
    InquiryProtectionAssessed,
    InquiryReceived,
)
from shared.pagination import Listed, decode_cursor, page_of
from shared.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class InquiryView:
    """An inquiry as of today: its row, and whether its initial assessment is overdue."""
    record: Record
    assessment_overdue: bool

    @classmethod
    def on(cls, record: Record, today: date) -> "InquiryView":
        """Overdue by the day the assessment was recorded, not the day stated in it."""
        recorded = record["assessment_recorded_at"]
        recorded_on = local_date(recorded) if recorded is not None else record["assessed_on"]
        return cls(record, rules.is_overdue(record["assessment_due_on"], recorded_on, today))


@dataclass(frozen=True)
class InquiryInvestigation:
    """An investigation an inquiry led to, and the case it is in."""
    inquiry: InquiryView
    case_id: UUID
    investigation: Record


async def _inquiry(uow: UnitOfWork, user: Grant, inquiry_id: UUID, *, for_update: bool = False,
                   if_match: str | None = None) -> Record:
    """The inquiry as the user may see it (404 otherwise); with `if_match` (and `for_update`),
    412 `etag_mismatch` unless it is the inquiry as the user read it."""
    row = await store.get(uow.conn, inquiry_id, for_update=for_update)
    missing = errors.not_found("inquiry_not_found", "No such inquiry", str(inquiry_id))
    if row is None:
        raise missing
    uow.ensure_unit(user, row["unit"], resource=f"inquiry/{inquiry_id}", person_id=row["person_id"], hidden=missing)
    ensure_current(if_match, etag(row["revision"]))
    return row


async def record_inquiry(uow: UnitOfWork, user: Grant, *, kind: InquiryKind, person_id: UUID, unit: str,
                         received_on: date, summary: str | None) -> InquiryView:
    """Record an inquiry about a registered person; its initial assessment is due in 14 days when
    it is a report about a child."""
    today = uow.today()
    user.ensure_unit(unit)
    rules.ensure_received_in_past(received_on, today)
    async with uow:
        person = await person_store.get(uow.conn, person_id)
        if person is None:
            raise errors.invalid("person_not_found", "The inquiry's person is not registered", str(person_id))
        due = rules.assessment_due_on(kind, person["birth_date"], received_on)
        protection_due = rules.protection_due_on(kind, person["birth_date"], received_on)
        row = await store.insert(uow.conn, inquiry_id=uuid7(), person_id=person_id, unit=unit, kind=kind,
                                 received_on=received_on, summary=summary, recorded_by=user.sub,
                                 assessment_due_on=due, protection_due_on=protection_due)
        uow.publish(InquiryReceived(inquiry_id=row["id"], person_id=row["person_id"], unit=row["unit"],
                                    kind=row["kind"], received_on=row["received_on"], assessment_due_on=due,
                                    protection_due_on=protection_due, recorded_by=user.sub),
                    key=str(row["id"]), subject=f"inquiry/{row['id']}")
    return InquiryView.on(row, today)


async def read_inquiry(uow: UnitOfWork, user: Grant, inquiry_id: UUID) -> InquiryView:
    async with uow:
        row = await _inquiry(uow, user, inquiry_id)
        uow.log_read(user, resource=f"inquiry/{inquiry_id}", person_id=row["person_id"])
    return InquiryView.on(row, uow.today())


async def list_case_inquiries(uow: UnitOfWork, user: Grant, case_id: UUID, *, limit: int,
                              cursor: str | None) -> Listed:
    """The inquiries that led to the case's investigations, oldest first, as the case may be seen."""
    start = decode_cursor(cursor, date, UUID)
    today = uow.today()
    async with uow:
        case = await visible_case(uow, user, case_id)
        uow.log_read(user, resource=f"case/{case_id}/inquiries", person_id=case["person_id"])
        return await case_inquiries_page(uow, case_id, after=start, limit=limit, today=today)


async def case_inquiries_page(uow: UnitOfWork, case_id: UUID, *, after: tuple | None, limit: int,
                              today: date) -> Listed:
    """A page of the case's inquiries after the cursor's key, as of today (the case already seen)."""
    rows = await store.of_case(uow.conn, case_id, after=after, limit=limit + 1)
    listed = page_of(rows, limit, lambda r: (r["received_on"], r["id"]))
    return Listed([InquiryView.on(r, today) for r in listed.items], listed.next_cursor)


async def assess_inquiry(uow: UnitOfWork, user: Grant, inquiry_id: UUID, *, outcome: AssessmentOutcome,
                         reasons: str, assessed_on: date | None, if_match: str | None = None) -> InquiryView:
    """Record the initial assessment of a report about a child, today unless said otherwise."""
    today = uow.today()
    assessed_on = assessed_on or today
    async with uow:
        inquiry = await _inquiry(uow, user, inquiry_id, for_update=True, if_match=if_match)
        rules.ensure_can_assess(due_on=inquiry["assessment_due_on"], assessed=inquiry["assessed_on"] is not None,
                                assessed_on=assessed_on, received_on=inquiry["received_on"], today=today)
        row = await store.assess(uow.conn, inquiry_id, assessed_on=assessed_on, outcome=outcome, reasons=reasons,
                                 assessed_by=user.sub, recorded_at=uow.now())
        uow.publish(InquiryAssessed(
            inquiry_id=inquiry_id, person_id=row["person_id"], unit=row["unit"], outcome=outcome,
            assessed_on=assessed_on, due_on=row["assessment_due_on"],
            late=rules.is_overdue(row["assessment_due_on"], today, today), assessed_by=user.sub),
            key=str(inquiry_id), subject=f"inquiry/{inquiry_id}")
    return InquiryView.on(row, today)


async def assess_protection(uow: UnitOfWork, user: Grant, inquiry_id: UUID, *, needed: bool,
                            reasons: str, if_match: str | None = None) -> InquiryView:
    """Record the protection assessment (skyddsbedömning) of a report about a child: by the user,
    now; late when recorded after the day the report came in."""
    today = uow.today()
    async with uow:
        inquiry = await _inquiry(uow, user, inquiry_id, for_update=True, if_match=if_match)
        rules.ensure_can_assess_protection(due_on=inquiry["protection_due_on"],
                                           assessed=inquiry["protection_assessed_at"] is not None)
        row = await store.assess_protection(uow.conn, inquiry_id, needed=needed, reasons=reasons,
                                            assessed_by=user.sub, assessed_at=uow.now())
        uow.publish(InquiryProtectionAssessed(
            inquiry_id=inquiry_id, person_id=row["person_id"], unit=row["unit"], protection_needed=needed,
            assessed_at=row["protection_assessed_at"], late=today > row["protection_due_on"], assessed_by=user.sub),
            key=str(inquiry_id), subject=f"inquiry/{inquiry_id}")
    return InquiryView.on(row, today)


async def extend_assessment(uow: UnitOfWork, user: Grant, inquiry_id: UUID, *, due_on: date,
                            reason: str, if_match: str | None = None) -> InquiryView:
    """Extend the time for the initial assessment, for synnerliga skäl stated in `reason`."""
    today = uow.today()
    async with uow:
        inquiry = await _inquiry(uow, user, inquiry_id, for_update=True, if_match=if_match)
        previous = inquiry["assessment_due_on"]
        process.ensure_can_extend(due_on=previous, settled=inquiry["assessed_on"] is not None,
                                  new_due_on=due_on, today=today, what="initial assessment")
        await case_store.insert_extension(uow.conn, extension_id=uuid7(), subject_type="assessment",
                                          subject_id=inquiry_id, previous_due_on=previous, due_on=due_on,
                                          reason=reason, by=user.sub, at=uow.now())
        row = await store.extend_assessment(uow.conn, inquiry_id, due_on=due_on)
        uow.publish(InquiryAssessmentExtended(inquiry_id=inquiry_id, unit=row["unit"], previous_due_on=previous,
                                              due_on=due_on, extended_by=user.sub),
                    key=str(inquiry_id), subject=f"inquiry/{inquiry_id}")
    return InquiryView.on(row, today)


async def investigate_inquiry(uow: UnitOfWork, user: Grant, inquiry_id: UUID, *, case_id: UUID | None,
                              kind: CaseKind | None, if_match: str | None = None) -> InquiryInvestigation:
    """Start today the investigation the inquiry leads to: in the person's case `case_id`, or in
    a new case of `kind` in the inquiry's unit (exactly one of the two)."""
    today = uow.today()
    if (case_id is None) == (kind is None):
        raise errors.invalid("case_or_kind", "Give either case_id (an existing case) or kind (a new case)")
    async with uow:
        inquiry = await _inquiry(uow, user, inquiry_id, for_update=True, if_match=if_match)
        rules.ensure_may_investigate(due_on=inquiry["assessment_due_on"], outcome=inquiry["assessment_outcome"],
                                     investigation_id=inquiry["investigation_id"])
        if case_id is None:
            case = await open_case(uow, user, unit=inquiry["unit"], kind=kind, person_id=inquiry["person_id"],
                                   opened_on=today)
        else:
            case = await case_to_work_on(uow, user, case_id)
            if case["person_id"] != inquiry["person_id"]:
                raise errors.conflict("other_person", "The case is about another person than the inquiry")
        investigation = await investigations.start_on(uow, case, started_on=today, started_by=user.sub)
        inquiry = await store.link_investigation(uow.conn, inquiry_id, investigation["id"])
    return InquiryInvestigation(InquiryView.on(inquiry, today), case["id"], investigation)
