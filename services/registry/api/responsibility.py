"""HTTP routes for the responsible caseworker (ansvarig handläggare): handing over a case or an
inquiry, and the history of it."""
from datetime import datetime
from uuid import UUID

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field

from services.registry.api.models import CaseOut, InquiryOut, page, tagged_case, tagged_inquiry
from services.registry.api.types import FilledName, FilledReason
from services.registry.usecases import responsibility
from shared.access import Grant
from shared.access.routes import allow
from shared.api import IfMatch, PageDep, UnitOfWorkDep
from shared.openapi import service_router
from shared.pagination import Page

router = service_router(tags=["responsibility"])


class ReassignmentIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"caseworker": "bertil", "reason": "Anna går på föräldraledighet; Bertil tar över ärendet"}]})

    caseworker: FilledName = Field(description="the new responsible caseworker, as the token subject (sub)")
    reason: FilledReason = Field(description="why; kept in the registry, not sent in the event")


class ReassignmentOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "previous_caseworker": "anna", "caseworker": "bertil",
        "reason": "Anna går på föräldraledighet; Bertil tar över ärendet", "reassigned_by": "greta",
        "reassigned_at": "2026-04-01T08:05:00Z"}]})

    previous_caseworker: str | None
    caseworker: str
    reason: str
    reassigned_by: str
    reassigned_at: datetime

    @classmethod
    def of(cls, row) -> "ReassignmentOut":
        return cls(**{k: row[k] for k in cls.model_fields})


@router.post("/cases/{case_id}/reassignment", response_model=CaseOut,
             summary="Hand the case over to another responsible caseworker (byt handläggare), with the reason")
async def reassign_case(case_id: UUID, body: ReassignmentIn, response: Response, uow: UnitOfWorkDep,
                        if_match: IfMatch = None, user: Grant = allow("registry:case.reassign")) -> CaseOut:
    """Hands an open case over to another responsible caseworker (byt handläggare), with a
    reason kept in the registry, and publishes `case.reassigned`; the new caseworker's worklists
    and watches follow. A caseworker hands over only a case they are responsible for (403
    `not_responsible`), a supervisor any case of their unit. The new caseworker is a member of
    the case's unit in the staff directory, active today: 422 `unknown_caseworker`,
    `caseworker_other_unit`, `caseworker_not_active` (anyone while the directory has no one in the
    unit). 409 `already_responsible`, `case_closed`; 404 `case_not_found`. With If-Match (the case's ETag as read), 412
    `etag_mismatch` when the case changed since."""
    return tagged_case(await responsibility.reassign_case(uow, user, case_id, caseworker=body.caseworker,
                                                          reason=body.reason, if_match=if_match), response)


@router.get("/cases/{case_id}/reassignments", response_model=Page[ReassignmentOut],
            summary="Every handing over of the case, oldest first")
async def case_reassignments(case_id: UUID, uow: UnitOfWorkDep, paging: PageDep,
                             user: Grant = allow("registry:case.read")) -> Page[ReassignmentOut]:
    """Every handing over of the case, oldest first: from whom, to whom, why, by whom. Who may
    read it as for the case; 404 `case_not_found`."""
    return page(ReassignmentOut, await responsibility.case_reassignments(uow, user, case_id, limit=paging.limit,
                                                                         cursor=paging.cursor))


@router.post("/inquiries/{inquiry_id}/reassignment", response_model=InquiryOut,
             summary="Hand an open inquiry over to another responsible caseworker, with the reason")
async def reassign_inquiry(inquiry_id: UUID, body: ReassignmentIn, response: Response, uow: UnitOfWorkDep,
                           if_match: IfMatch = None, user: Grant = allow("registry:inquiry.reassign")) -> InquiryOut:
    """Hands an open inquiry (not assessed, not led to an investigation) over to another
    responsible caseworker, with a reason, and publishes `inquiry.reassigned`. Who may do it as
    for a case, and to whom as for a case (422). 409 `inquiry_settled`, `already_responsible`; 404 `inquiry_not_found`; 412
    `etag_mismatch` with an If-Match the inquiry no longer has."""
    return tagged_inquiry(await responsibility.reassign_inquiry(
        uow, user, inquiry_id, caseworker=body.caseworker, reason=body.reason, if_match=if_match), response)


@router.get("/inquiries/{inquiry_id}/reassignments", response_model=Page[ReassignmentOut],
            summary="Every handing over of the inquiry, oldest first")
async def inquiry_reassignments(inquiry_id: UUID, uow: UnitOfWorkDep, paging: PageDep,
                                user: Grant = allow("registry:inquiry.read")) -> Page[ReassignmentOut]:
    """Every handing over of the inquiry, oldest first. Who may read it as for the inquiry;
    404 `inquiry_not_found`."""
    return page(ReassignmentOut, await responsibility.inquiry_reassignments(
        uow, user, inquiry_id, limit=paging.limit, cursor=paging.cursor))
