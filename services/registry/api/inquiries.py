"""HTTP routes for intake (aktualisering), the initial assessment (förhandsbedömning) and the
investigation an inquiry leads to."""
from datetime import date
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from uuid6 import uuid7

from services.registry.api.cases import InvestigationOut, case_for_work, open_case, start_investigation
from services.registry.api.types import Day, Reason, Unit, text
from services.registry.domain import inquiries as rules
from services.registry.domain.cases import CaseKind
from services.registry.domain.inquiries import AssessmentOutcome, InquiryKind
from services.registry.store import inquiries as store
from services.registry.store import persons as person_store
from shared import errors
from shared.access import Grant
from shared.access.routes import allow
from shared.audit import log_access
from shared.events.catalog import InquiryAssessed, InquiryReceived
from shared.service import ClockDep, OutboxDep, Pool

router = APIRouter(prefix="/inquiries", tags=["inquiries"])


class InquiryIn(BaseModel):
    kind: InquiryKind
    person_id: UUID = Field(description="who the inquiry is about")
    unit: Unit
    received_on: Day
    summary: text(4000) | None = None


class AssessmentIn(BaseModel):
    outcome: AssessmentOutcome
    reasons: Reason
    assessed_on: Day | None = Field(None, description="defaults to today")


class InvestigationFromInquiryIn(BaseModel):
    case_id: UUID | None = Field(None, description="an existing case of the person; else a new case is opened")
    kind: CaseKind | None = Field(None, description="the kind of the new case")


class InquiryOut(BaseModel):
    id: UUID
    person_id: UUID
    unit: str
    kind: InquiryKind
    received_on: date
    summary: str | None
    recorded_by: str
    assessment_due_on: date | None = Field(description="null when no initial assessment is needed")
    assessment_overdue: bool
    assessed_on: date | None
    assessment_outcome: AssessmentOutcome | None
    assessment_reasons: str | None
    assessed_by: str | None
    investigation_id: UUID | None

    @classmethod
    def of(cls, row, today: date) -> "InquiryOut":
        overdue = rules.is_overdue(row["assessment_due_on"], row["assessed_on"], today)
        return cls(assessment_overdue=overdue,
                   **{k: row[k] for k in cls.model_fields if k != "assessment_overdue"})


class InvestigationFromInquiryOut(BaseModel):
    inquiry: InquiryOut
    case_id: UUID
    investigation: InvestigationOut


async def _inquiry(conn, inquiry_id: UUID, user: Grant, *, for_update: bool = False):
    row = await store.get(conn, inquiry_id, for_update=for_update)
    if row is None:
        raise errors.not_found("inquiry_not_found", "No such inquiry", str(inquiry_id))
    user.ensure_unit(row["unit"])
    return row


@router.post("", status_code=201, response_model=InquiryOut, summary="Record an inquiry (aktualisering)")
async def receive(body: InquiryIn, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                  user: Grant = allow("registry:inquiry.record")) -> InquiryOut:
    today = clock.today()
    user.ensure_unit(body.unit)
    rules.ensure_received_in_past(body.received_on, today)
    async with pool.acquire() as conn, conn.transaction():
        person = await person_store.get(conn, body.person_id)
        if person is None:
            raise errors.invalid("person_not_found", "The inquiry's person is not registered", str(body.person_id))
        due = rules.assessment_due_on(body.kind, person["birth_date"], body.received_on)
        row = await store.insert(conn, inquiry_id=uuid7(), person_id=body.person_id, unit=body.unit,
                                 kind=body.kind, received_on=body.received_on, summary=body.summary,
                                 recorded_by=user.sub, assessment_due_on=due)
        await outbox.add(conn, InquiryReceived(inquiry_id=row["id"], person_id=row["person_id"], unit=row["unit"],
                                               kind=row["kind"], received_on=row["received_on"],
                                               assessment_due_on=due, recorded_by=user.sub),
                         key=str(row["id"]), subject=f"inquiry/{row['id']}")
    return InquiryOut.of(row, today)


@router.get("/{inquiry_id}", response_model=InquiryOut, summary="Read an inquiry")
async def get_inquiry(inquiry_id: UUID, request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                      user: Grant = allow("registry:inquiry.read")) -> InquiryOut:
    async with pool.acquire() as conn, conn.transaction():
        row = await _inquiry(conn, inquiry_id, user)
        await log_access(conn, outbox, clock, user, resource=f"inquiry/{inquiry_id}", person_id=row["person_id"],
                         request=request)
    return InquiryOut.of(row, clock.today())


@router.post("/{inquiry_id}/assessment", response_model=InquiryOut,
             summary="Record the initial assessment (förhandsbedömning) of a report about a child")
async def assess(inquiry_id: UUID, body: AssessmentIn, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                 user: Grant = allow("registry:inquiry.assess")) -> InquiryOut:
    today = clock.today()
    assessed_on = body.assessed_on or today
    async with pool.acquire() as conn, conn.transaction():
        inquiry = await _inquiry(conn, inquiry_id, user, for_update=True)
        rules.ensure_can_assess(due_on=inquiry["assessment_due_on"], assessed=inquiry["assessed_on"] is not None,
                                assessed_on=assessed_on, received_on=inquiry["received_on"], today=today)
        row = await store.assess(conn, inquiry_id, assessed_on=assessed_on, outcome=body.outcome,
                                 reasons=body.reasons, assessed_by=user.sub)
        await outbox.add(conn, InquiryAssessed(
            inquiry_id=inquiry_id, person_id=row["person_id"], unit=row["unit"], outcome=body.outcome,
            assessed_on=assessed_on, due_on=row["assessment_due_on"],
            late=rules.is_overdue(row["assessment_due_on"], assessed_on, today), assessed_by=user.sub),
            key=str(inquiry_id), subject=f"inquiry/{inquiry_id}")
    return InquiryOut.of(row, today)


@router.post("/{inquiry_id}/investigation", status_code=201, response_model=InvestigationFromInquiryOut,
             summary="Open an investigation from the inquiry: in a new case, or on an existing case of the person")
async def investigate(inquiry_id: UUID, body: InvestigationFromInquiryIn, pool: Pool, outbox: OutboxDep,
                      clock: ClockDep,
                      user: Grant = allow("registry:case.investigate")) -> InvestigationFromInquiryOut:
    today = clock.today()
    if (body.case_id is None) == (body.kind is None):
        raise errors.invalid("case_or_kind", "Give either case_id (an existing case) or kind (a new case)")
    async with pool.acquire() as conn, conn.transaction():
        inquiry = await _inquiry(conn, inquiry_id, user, for_update=True)
        rules.ensure_may_investigate(due_on=inquiry["assessment_due_on"], outcome=inquiry["assessment_outcome"],
                                     investigation_id=inquiry["investigation_id"])
        if body.case_id is None:
            case = await open_case(conn, outbox, unit=inquiry["unit"], kind=body.kind,
                                   person_id=inquiry["person_id"], opened_on=today, opened_by=user.sub)
        else:
            case = await case_for_work(conn, body.case_id, user)
            if case["person_id"] != inquiry["person_id"]:
                raise errors.conflict("other_person", "The case is about another person than the inquiry")
        investigation = await start_investigation(conn, outbox, case, started_on=today, today=today,
                                                  started_by=user.sub)
        inquiry = await store.link_investigation(conn, inquiry_id, investigation["id"])
    return InvestigationFromInquiryOut(inquiry=InquiryOut.of(inquiry, today), case_id=case["id"],
                                       investigation=InvestigationOut.of(investigation))
