"""HTTP routes for intake (aktualisering), the initial assessment (förhandsbedömning) and the
investigation an inquiry leads to."""
from uuid import UUID

from fastapi import Response

from services.registry.api.models import (
    INQUIRY_ETAG,
    AssessmentIn,
    ExtensionIn,
    InquiryIn,
    InquiryOut,
    InvestigationFromInquiryIn,
    InvestigationFromInquiryOut,
    ProtectionAssessmentIn,
    tagged_inquiry,
)
from services.registry.usecases import inquiries
from shared.access import Grant
from shared.access.routes import allow
from shared.api import IfMatch, UnitOfWorkDep
from shared.openapi import service_router

router = service_router(prefix="/inquiries", tags=["inquiries"])


@router.post("", status_code=201, response_model=InquiryOut, summary="Record an inquiry (aktualisering)")
async def receive(body: InquiryIn, uow: UnitOfWorkDep, user: Grant = allow("registry:inquiry.record")) -> InquiryOut:
    """Records an inquiry (aktualisering) about a registered person in the caller's unit: an
    application, a report of concern or other information, and publishes `inquiry.received`. A
    report of concern about a child gets a protection assessment due the same day and an initial
    assessment due in 14 days. Caseworkers and supervisors of the unit. 422 `person_not_found`,
    `received_in_future`."""
    return InquiryOut.of(await inquiries.record_inquiry(
        uow, user, kind=body.kind, person_id=body.person_id, unit=body.unit, received_on=body.received_on,
        summary=body.summary))


@router.get("/{inquiry_id}", response_model=InquiryOut, summary="Read an inquiry",
            responses={200: {"description": "The inquiry", "headers": INQUIRY_ETAG}})
async def get_inquiry(inquiry_id: UUID, response: Response, uow: UnitOfWorkDep,
                      user: Grant = allow("registry:inquiry.read")) -> InquiryOut:
    """The inquiry with its deadlines, assessments and the investigation it led to. A caseworker
    reads their unit's inquiries, a supervisor every unit's; the read is in the access log. 404
    `inquiry_not_found` (also for another unit's). Its ETag, sent back in If-Match, makes an
    assessment, extension, hand-over or investigation apply only to the inquiry as read."""
    return tagged_inquiry(await inquiries.read_inquiry(uow, user, inquiry_id), response)


@router.post("/{inquiry_id}/protection-assessment", response_model=InquiryOut,
             summary="Record the protection assessment (skyddsbedömning) of a report about a child: the same day")
async def assess_protection(inquiry_id: UUID, body: ProtectionAssessmentIn, response: Response, uow: UnitOfWorkDep,
                           if_match: IfMatch = None,
                            user: Grant = allow("registry:inquiry.assess")) -> InquiryOut:
    """Records the protection assessment (skyddsbedömning) of a report of concern about a child:
    whether the child needs immediate protection, and why; publishes
    `inquiry.protection_assessed`, marked late after the day the report came in. Caseworkers and
    supervisors of the inquiry's unit. 409 `no_protection_assessment_needed`,
    `already_assessed`; 404 `inquiry_not_found`."""
    return tagged_inquiry(await inquiries.assess_protection(uow, user, inquiry_id, needed=body.protection_needed,
                                                            reasons=body.reasons, if_match=if_match), response)


@router.post("/{inquiry_id}/assessment-extensions", status_code=201, response_model=InquiryOut,
             summary="Extend the time for the initial assessment (synnerliga skäl), with the reason")
async def extend_assessment(inquiry_id: UUID, body: ExtensionIn, response: Response, uow: UnitOfWorkDep,
                           if_match: IfMatch = None,
                            user: Grant = allow("registry:inquiry.assess")) -> InquiryOut:
    """Moves the due date of the initial assessment to a later day, for exceptional reasons
    (synnerliga skäl) stated in `reason`, and publishes `inquiry.assessment_extended`.
    Caseworkers and supervisors of the inquiry's unit. 409 `no_statutory_deadline`,
    `deadline_settled` when already assessed; 422 `extension_not_later`, `extension_in_past`;
    404 `inquiry_not_found`."""
    return tagged_inquiry(await inquiries.extend_assessment(uow, user, inquiry_id, due_on=body.due_on,
                                                            reason=body.reason, if_match=if_match), response)


@router.post("/{inquiry_id}/assessment", response_model=InquiryOut,
             summary="Record the initial assessment (förhandsbedömning) of a report about a child")
async def assess(inquiry_id: UUID, body: AssessmentIn, response: Response, uow: UnitOfWorkDep,
                if_match: IfMatch = None,
                 user: Grant = allow("registry:inquiry.assess")) -> InquiryOut:
    """Records the initial assessment (förhandsbedömning) of a report of concern about a child:
    whether to open an investigation, and why, on `assessed_on` (today by default); publishes
    `inquiry.assessed`. Caseworkers and supervisors of the inquiry's unit. 409
    `no_assessment_needed`, `already_assessed`; 422 `assessed_on_out_of_range`; 404
    `inquiry_not_found`."""
    return tagged_inquiry(await inquiries.assess_inquiry(uow, user, inquiry_id, outcome=body.outcome,
                                                         reasons=body.reasons, assessed_on=body.assessed_on,
                                                         if_match=if_match), response)


@router.post("/{inquiry_id}/investigation", status_code=201, response_model=InvestigationFromInquiryOut,
             summary="Open an investigation from the inquiry: in a new case, or on an existing case of the person")
async def investigate(inquiry_id: UUID, body: InvestigationFromInquiryIn, uow: UnitOfWorkDep,
                     if_match: IfMatch = None,
                      user: Grant = allow("registry:case.investigate")) -> InvestigationFromInquiryOut:
    """Starts today the investigation the inquiry leads to: on an existing open case of the same
    person (`case_id`), or in a new case of `kind` in the inquiry's unit (exactly one of the two,
    422 `case_or_kind`). Answers the inquiry, the case and the investigation. Caseworkers and
    supervisors. 409 `assessment_missing` for a report about a child not yet assessed,
    `assessed_no_investigation`, `investigation_already_opened`, `other_person`,
    `investigation_ongoing`; 404 `inquiry_not_found`."""
    return InvestigationFromInquiryOut.of(await inquiries.investigate_inquiry(
        uow, user, inquiry_id, case_id=body.case_id, kind=body.kind, if_match=if_match))
