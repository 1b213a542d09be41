"""HTTP routes for intake (aktualisering), the initial assessment (förhandsbedömning) and the
investigation an inquiry leads to."""
from uuid import UUID

from fastapi import APIRouter

from services.registry.api.models import (
    AssessmentIn,
    ExtensionIn,
    InquiryIn,
    InquiryOut,
    InvestigationFromInquiryIn,
    InvestigationFromInquiryOut,
    ProtectionAssessmentIn,
)
from services.registry.usecases import inquiries
from shared.access import Grant
from shared.access.routes import allow
from shared.api import UnitOfWorkDep

router = APIRouter(prefix="/inquiries", tags=["inquiries"])


@router.post("", status_code=201, response_model=InquiryOut, summary="Record an inquiry (aktualisering)")
async def receive(body: InquiryIn, uow: UnitOfWorkDep, user: Grant = allow("registry:inquiry.record")) -> InquiryOut:
    return InquiryOut.of(await inquiries.record_inquiry(
        uow, user, kind=body.kind, person_id=body.person_id, unit=body.unit, received_on=body.received_on,
        summary=body.summary))


@router.get("/{inquiry_id}", response_model=InquiryOut, summary="Read an inquiry")
async def get_inquiry(inquiry_id: UUID, uow: UnitOfWorkDep,
                      user: Grant = allow("registry:inquiry.read")) -> InquiryOut:
    return InquiryOut.of(await inquiries.read_inquiry(uow, user, inquiry_id))


@router.post("/{inquiry_id}/protection-assessment", response_model=InquiryOut,
             summary="Record the protection assessment (skyddsbedömning) of a report about a child: the same day")
async def assess_protection(inquiry_id: UUID, body: ProtectionAssessmentIn, uow: UnitOfWorkDep,
                            user: Grant = allow("registry:inquiry.assess")) -> InquiryOut:
    return InquiryOut.of(await inquiries.assess_protection(uow, user, inquiry_id, needed=body.protection_needed,
                                                           reasons=body.reasons))


@router.post("/{inquiry_id}/assessment-extensions", status_code=201, response_model=InquiryOut,
             summary="Extend the time for the initial assessment (synnerliga skäl), with the reason")
async def extend_assessment(inquiry_id: UUID, body: ExtensionIn, uow: UnitOfWorkDep,
                            user: Grant = allow("registry:inquiry.assess")) -> InquiryOut:
    return InquiryOut.of(await inquiries.extend_assessment(uow, user, inquiry_id, due_on=body.due_on,
                                                           reason=body.reason))


@router.post("/{inquiry_id}/assessment", response_model=InquiryOut,
             summary="Record the initial assessment (förhandsbedömning) of a report about a child")
async def assess(inquiry_id: UUID, body: AssessmentIn, uow: UnitOfWorkDep,
                 user: Grant = allow("registry:inquiry.assess")) -> InquiryOut:
    return InquiryOut.of(await inquiries.assess_inquiry(uow, user, inquiry_id, outcome=body.outcome,
                                                        reasons=body.reasons, assessed_on=body.assessed_on))


@router.post("/{inquiry_id}/investigation", status_code=201, response_model=InvestigationFromInquiryOut,
             summary="Open an investigation from the inquiry: in a new case, or on an existing case of the person")
async def investigate(inquiry_id: UUID, body: InvestigationFromInquiryIn, uow: UnitOfWorkDep,
                      user: Grant = allow("registry:case.investigate")) -> InvestigationFromInquiryOut:
    return InvestigationFromInquiryOut.of(await inquiries.investigate_inquiry(uow, user, inquiry_id,
                                                                             case_id=body.case_id, kind=body.kind))
