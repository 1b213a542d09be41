"""HTTP routes for cases (ärenden) and their investigations (utredningar); decisions are in `decisions`."""
from uuid import UUID

from fastapi import APIRouter

from services.registry.api.models import (
    CaseIn,
    CaseOut,
    ExtensionIn,
    ExtensionOut,
    InvestigationIn,
    InvestigationOut,
    ReasonIn,
    RemovalOut,
    page,
)
from services.registry.usecases import cases, investigations
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.pagination import Page

router = APIRouter(prefix="/cases", tags=["cases"])


@router.post("", status_code=201, response_model=CaseOut, summary="Open a case (öppna ärende)")
async def create_case(body: CaseIn, uow: UnitOfWorkDep, user: Grant = allow("registry:case.open")) -> CaseOut:
    return CaseOut.of(await cases.open_case(uow, user, unit=body.unit, kind=body.kind, person_id=body.person_id,
                                                   caseworker=body.caseworker))


@router.get("/{case_id}", response_model=CaseOut, summary="Read a case")
async def get_case(case_id: UUID, uow: UnitOfWorkDep, user: Grant = allow("registry:case.read")) -> CaseOut:
    return CaseOut.of(await cases.read_case(uow, user, case_id))


@router.post("/{case_id}/close", response_model=CaseOut, summary="Close a case (avsluta ärende)")
async def close_case(case_id: UUID, body: ReasonIn, uow: UnitOfWorkDep,
                     user: Grant = allow("registry:case.close")) -> CaseOut:
    return CaseOut.of(await cases.close_case(uow, user, case_id, reason=body.reason))


@router.post("/{case_id}/investigations", status_code=201, response_model=InvestigationOut,
             summary="Start an investigation (inled utredning)")
async def create_investigation(case_id: UUID, body: InvestigationIn, uow: UnitOfWorkDep,
                               user: Grant = allow("registry:case.investigate")) -> InvestigationOut:
    return InvestigationOut.of(await investigations.start_investigation(uow, user, case_id,
                                                                        started_on=body.started_on))


@router.post("/{case_id}/investigations/{investigation_id}/extensions", status_code=201,
             response_model=InvestigationOut,
             summary="Extend a child investigation beyond four months (särskilda skäl), with the reason")
async def extend_investigation(case_id: UUID, investigation_id: UUID, body: ExtensionIn, uow: UnitOfWorkDep,
                               user: Grant = allow("registry:case.investigate")) -> InvestigationOut:
    return InvestigationOut.of(await investigations.extend_investigation(
        uow, user, case_id, investigation_id, due_on=body.due_on, reason=body.reason))


@router.get("/{case_id}/investigations/{investigation_id}/extensions", response_model=Page[ExtensionOut],
            summary="The extensions of an investigation's deadline, oldest first")
async def list_extensions(case_id: UUID, investigation_id: UUID, uow: UnitOfWorkDep, paging: PageDep,
                          user: Grant = allow("registry:case.read")) -> Page[ExtensionOut]:
    return page(ExtensionOut, await investigations.list_extensions(
        uow, user, case_id, investigation_id, limit=paging.limit, cursor=paging.cursor))


@router.get("/{case_id}/investigations", response_model=Page[InvestigationOut],
            summary="The case's investigations, oldest first")
async def list_investigations(case_id: UUID, uow: UnitOfWorkDep, paging: PageDep,
                              user: Grant = allow("registry:case.read")) -> Page[InvestigationOut]:
    return page(InvestigationOut, await investigations.list_investigations(
        uow, user, case_id, limit=paging.limit, cursor=paging.cursor))


@router.post("/{case_id}/investigations/{investigation_id}/completion", response_model=InvestigationOut,
             summary="Complete an investigation (avsluta utredning)")
async def complete_investigation(case_id: UUID, investigation_id: UUID, uow: UnitOfWorkDep,
                                 user: Grant = allow("registry:case.investigate")) -> InvestigationOut:
    return InvestigationOut.of(await investigations.complete_investigation(uow, user, case_id, investigation_id))


@router.post("/{case_id}/removal", response_model=CaseOut,
             summary="Remove a case from every usual view (support; reversible, audited)")
async def remove_case(case_id: UUID, body: ReasonIn, uow: UnitOfWorkDep,
                      user: Grant = allow("registry:case.remove")) -> CaseOut:
    return CaseOut.of(await cases.remove_case(uow, user, case_id, reason=body.reason))


@router.post("/{case_id}/restoration", response_model=CaseOut, summary="Restore a removed case (support, audited)")
async def restore_case(case_id: UUID, body: ReasonIn, uow: UnitOfWorkDep,
                       user: Grant = allow("registry:case.remove")) -> CaseOut:
    return CaseOut.of(await cases.restore_case(uow, user, case_id, reason=body.reason))


@router.get("/{case_id}/removals", response_model=Page[RemovalOut],
            summary="Every removal and restoration of the case, oldest first (support)")
async def list_removals(case_id: UUID, uow: UnitOfWorkDep, paging: PageDep,
                        user: Grant = allow("registry:case.remove")) -> Page[RemovalOut]:
    return page(RemovalOut, await cases.list_removals(uow, user, case_id, limit=paging.limit, cursor=paging.cursor))
