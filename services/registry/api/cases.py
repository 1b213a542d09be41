"""HTTP routes for cases (ärenden), their investigations (utredningar) and decisions (beslut)."""
from uuid import UUID

from fastapi import APIRouter

from services.registry.api.models import (
    CaseIn,
    CaseOut,
    DecisionIn,
    DecisionOut,
    InvestigationIn,
    InvestigationOut,
    ReasonIn,
    RemovalOut,
    page,
)
from services.registry.usecases import cases, decisions, investigations
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.pagination import Page

router = APIRouter(prefix="/cases", tags=["cases"])


@router.post("", status_code=201, response_model=CaseOut, summary="Open a case (öppna ärende)")
async def create_case(body: CaseIn, uow: UnitOfWorkDep, user: Grant = allow("registry:case.open")) -> CaseOut:
    return CaseOut.of(await cases.open_case(uow, user, unit=body.unit, kind=body.kind, person_id=body.person_id))


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


@router.post("/{case_id}/decisions", status_code=201, response_model=DecisionOut,
             summary="Make a decision (fatta beslut); completes an ongoing investigation")
async def create_decision(case_id: UUID, body: DecisionIn, uow: UnitOfWorkDep,
                          user: Grant = allow("registry:case.decide")) -> DecisionOut:
    return DecisionOut.of(await decisions.make_decision(
        uow, user, case_id, intervention=body.intervention, outcome=body.outcome, valid_from=body.valid_from,
        valid_to=body.valid_to, follow_up_on=body.follow_up_on, communication=body.communication.rule()))


@router.get("/{case_id}/decisions", response_model=Page[DecisionOut], summary="The case's decisions, oldest first")
async def list_decisions(case_id: UUID, uow: UnitOfWorkDep, paging: PageDep,
                         user: Grant = allow("registry:case.read")) -> Page[DecisionOut]:
    return page(DecisionOut, await decisions.list_decisions(uow, user, case_id, limit=paging.limit,
                                                            cursor=paging.cursor))


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
