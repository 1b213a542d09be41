"""HTTP routes for the responsible caseworker (ansvarig handläggare): handing over a case or an
inquiry, and the history of it."""
from datetime import datetime
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.registry.api.models import CaseOut, InquiryOut, page
from services.registry.api.types import Name, Reason
from services.registry.usecases import responsibility
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.pagination import Page

router = APIRouter(tags=["responsibility"])


class ReassignmentIn(BaseModel):
    caseworker: Name = Field(description="the new responsible caseworker, as the token subject (sub)")
    reason: Reason = Field(description="why; kept in the registry, not sent in the event")


class ReassignmentOut(BaseModel):
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
async def reassign_case(case_id: UUID, body: ReassignmentIn, uow: UnitOfWorkDep,
                        user: Grant = allow("registry:case.reassign")) -> CaseOut:
    return CaseOut.of(await responsibility.reassign_case(uow, user, case_id, caseworker=body.caseworker,
                                                         reason=body.reason))


@router.get("/cases/{case_id}/reassignments", response_model=Page[ReassignmentOut],
            summary="Every handing over of the case, oldest first")
async def case_reassignments(case_id: UUID, uow: UnitOfWorkDep, paging: PageDep,
                             user: Grant = allow("registry:case.read")) -> Page[ReassignmentOut]:
    return page(ReassignmentOut, await responsibility.case_reassignments(uow, user, case_id, limit=paging.limit,
                                                                         cursor=paging.cursor))


@router.post("/inquiries/{inquiry_id}/reassignment", response_model=InquiryOut,
             summary="Hand an open inquiry over to another responsible caseworker, with the reason")
async def reassign_inquiry(inquiry_id: UUID, body: ReassignmentIn, uow: UnitOfWorkDep,
                           user: Grant = allow("registry:inquiry.reassign")) -> InquiryOut:
    return InquiryOut.of(await responsibility.reassign_inquiry(uow, user, inquiry_id, caseworker=body.caseworker,
                                                               reason=body.reason))


@router.get("/inquiries/{inquiry_id}/reassignments", response_model=Page[ReassignmentOut],
            summary="Every handing over of the inquiry, oldest first")
async def inquiry_reassignments(inquiry_id: UUID, uow: UnitOfWorkDep, paging: PageDep,
                                user: Grant = allow("registry:inquiry.read")) -> Page[ReassignmentOut]:
    return page(ReassignmentOut, await responsibility.inquiry_reassignments(
        uow, user, inquiry_id, limit=paging.limit, cursor=paging.cursor))
