"""HTTP routes for decisions (beslut) on a case, their letter, and how they are carried out
(verkställighet); and the intervention catalogue they draw from."""
from uuid import UUID

from fastapi import APIRouter, Response

from services.registry.api.models import (
    PDF,
    DecisionIn,
    DecisionOut,
    DelayReasonIn,
    ExecutionIn,
    ExecutionOut,
    InterruptionIn,
    InterventionOut,
    RefusalIn,
    ResumptionIn,
    page,
    pdf,
)
from services.registry.usecases import decisions
from shared import interventions
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.pagination import Page

router = APIRouter(tags=["decisions"])
DECISION = "/cases/{case_id}/decisions/{decision_id}"


@router.get(interventions.CATALOGUE_PATH, response_model=list[InterventionOut],
            summary="The intervention catalogue (insatskatalog): every intervention a decision may grant")
async def list_interventions(user: Grant = allow("registry:case.read")) -> list[InterventionOut]:
    return [InterventionOut(**vars(item)) for item in interventions.catalogue().values()]


@router.post("/cases/{case_id}/decisions", status_code=201, response_model=DecisionOut,
             summary="Make a decision (fatta beslut) on an investigation of the case; completes it if ongoing")
async def create_decision(case_id: UUID, body: DecisionIn, uow: UnitOfWorkDep,
                          user: Grant = allow("registry:case.decide")) -> DecisionOut:
    return DecisionOut.of(await decisions.make_decision(uow, user, case_id, body.content()))


@router.get("/cases/{case_id}/decisions", response_model=Page[DecisionOut],
            summary="The case's decisions, oldest first")
async def list_decisions(case_id: UUID, uow: UnitOfWorkDep, paging: PageDep,
                         user: Grant = allow("registry:case.read")) -> Page[DecisionOut]:
    return page(DecisionOut, await decisions.list_decisions(uow, user, case_id, limit=paging.limit,
                                                            cursor=paging.cursor))


@router.get(f"{DECISION}/letter", response_class=Response, responses=PDF,
            summary="The decision letter (beslutsmeddelande) as PDF: the decision, its reasons, legal basis and"
                    " how to appeal")
async def decision_letter(case_id: UUID, decision_id: UUID, uow: UnitOfWorkDep,
                          user: Grant = allow("registry:case.read")) -> Response:
    return pdf(await decisions.decision_letter(uow, user, case_id, decision_id), f"beslut-{decision_id}.pdf")


@router.get(f"{DECISION}/execution", response_model=ExecutionOut,
            summary="How the decision is carried out: executions, interruptions, resumptions and delay reasons")
async def read_execution(case_id: UUID, decision_id: UUID, uow: UnitOfWorkDep,
                         user: Grant = allow("registry:case.read")) -> ExecutionOut:
    return ExecutionOut.of(await decisions.read_execution(uow, user, case_id, decision_id))


@router.post(f"{DECISION}/execution", response_model=ExecutionOut,
             summary="Record that the decision is carried out in-house or by payment (verkställt)")
async def record_execution(case_id: UUID, decision_id: UUID, body: ExecutionIn, uow: UnitOfWorkDep,
                           user: Grant = allow("registry:case.decide")) -> ExecutionOut:
    return ExecutionOut.of(await decisions.record_execution(uow, user, case_id, decision_id, method=body.method,
                                                            executed_on=body.executed_on))


@router.post(f"{DECISION}/interruption", response_model=ExecutionOut,
             summary="Record an interruption (avbrott) of the decision's carrying out")
async def interrupt(case_id: UUID, decision_id: UUID, body: InterruptionIn, uow: UnitOfWorkDep,
                    user: Grant = allow("registry:case.decide")) -> ExecutionOut:
    return ExecutionOut.of(await decisions.interrupt(uow, user, case_id, decision_id,
                                                     interrupted_on=body.interrupted_on,
                                                     reason_code=body.reason_code))


@router.post(f"{DECISION}/resumption", response_model=ExecutionOut,
             summary="Record that an interrupted decision is carried out again")
async def resume(case_id: UUID, decision_id: UUID, body: ResumptionIn, uow: UnitOfWorkDep,
                 user: Grant = allow("registry:case.decide")) -> ExecutionOut:
    return ExecutionOut.of(await decisions.resume(uow, user, case_id, decision_id, resumed_on=body.resumed_on))


@router.post(f"{DECISION}/delay-reasons", response_model=ExecutionOut,
             summary="Record why the decision is not carried out yet (for the report to IVO)")
async def record_delay_reason(case_id: UUID, decision_id: UUID, body: DelayReasonIn, uow: UnitOfWorkDep,
                              user: Grant = allow("registry:case.decide")) -> ExecutionOut:
    return ExecutionOut.of(await decisions.record_delay_reason(uow, user, case_id, decision_id, code=body.code,
                                                               declined_offer_on=body.declined_offer_on))


@router.post(f"{DECISION}/approval", response_model=DecisionOut,
             summary="Approve a decision above its maker's delegation: it comes into force (decision.approved)")
async def approve(case_id: UUID, decision_id: UUID, uow: UnitOfWorkDep,
                  user: Grant = allow("registry:decision.approve")) -> DecisionOut:
    return DecisionOut.of(await decisions.approve(uow, user, case_id, decision_id))


@router.post(f"{DECISION}/refusal", response_model=DecisionOut,
             summary="Refuse a decision above its maker's delegation: it never comes into force (decision.refused)")
async def refuse(case_id: UUID, decision_id: UUID, body: RefusalIn, uow: UnitOfWorkDep,
                 user: Grant = allow("registry:decision.approve")) -> DecisionOut:
    return DecisionOut.of(await decisions.refuse(uow, user, case_id, decision_id, reason=body.reason))
