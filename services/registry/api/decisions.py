"""HTTP routes for decisions (beslut) on a case, their letter, and how they are carried out
(verkställighet); and the intervention catalogue they draw from."""
from uuid import UUID

from fastapi import Response

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
from shared.api import IdempotencyKey, IfMatch, PageDep, UnitOfWorkDep
from shared.etag import etag, etag_header
from shared.openapi import service_router
from shared.pagination import Page

router = service_router(tags=["decisions"])
DECISION = "/cases/{case_id}/decisions/{decision_id}"
ETAG = etag_header("The decision's revision: send it back in If-Match to approve or refuse exactly the"
                   " decision you read")

EXECUTION_ETAG = etag_header("The execution as read (its actions and delay reasons): send it back in If-Match to"
                             " record an execution, interruption, resumption or delay reason on exactly what"
                             " you read")


def _tagged(decision: dict, response: Response) -> DecisionOut:
    response.headers["ETag"] = etag(decision["revision"])
    return DecisionOut.of(decision)


def _tagged_execution(execution, response: Response) -> ExecutionOut:
    response.headers["ETag"] = execution.tag
    return ExecutionOut.of(execution)


# Two entries of the catalogue as it is, as the example of the whole list.
_CATALOGUE_EXAMPLE = [InterventionOut(**vars(item)).model_dump(mode="json")
                      for item in list(interventions.catalogue().values())[:2]]


@router.get(interventions.CATALOGUE_PATH, response_model=list[InterventionOut],
            responses={200: {"content": {"application/json": {"example": _CATALOGUE_EXAMPLE}}}},
            summary="The intervention catalogue (insatskatalog): every intervention a decision may grant")
async def list_interventions(user: Grant = allow("registry:case.read")) -> list[InterventionOut]:
    """The intervention catalogue (insatskatalog): each intervention's code (used in decisions
    and orders), Swedish name, law (SoL or LSS), IVO category, the unit its scope is measured in
    and how it is carried out (by a provider, in-house or by payment). The same for everyone who
    may read cases."""
    return [InterventionOut(**vars(item)) for item in interventions.catalogue().values()]


@router.post("/cases/{case_id}/decisions", status_code=201, response_model=DecisionOut,
             responses={201: {"description": "The decision", "headers": ETAG},
                        200: {"description": "A retry: the decision this Idempotency-Key made before",
                              "headers": ETAG}},
             summary="Make a decision (fatta beslut) on an investigation of the case; completes it if ongoing")
async def create_decision(case_id: UUID, body: DecisionIn, response: Response, uow: UnitOfWorkDep,
                          idempotency_key: IdempotencyKey = None,
                          user: Grant = allow("registry:case.decide")) -> DecisionOut:
    """Makes a decision (beslut) today on an investigation of an open case (the ongoing one
    unless `investigation_id` names another), completing it if ongoing, and publishes
    `decision.made`. Reasons, legal basis and how the basis was communicated are required; a
    decision that does not grant in full carries appeal instructions. A decision above the
    maker's delegation waits for approval (`status` awaiting_approval). Caseworkers and
    supervisors of the case's unit. 422 for missing or contradictory content (e.g.
    `reasons_missing`, `legal_basis_missing`, `communication_incomplete`, `validity_reversed`,
    `investigation_required`); 409 `no_investigation`, `case_closed`; 404 `case_not_found`. The
    answer's Location is the decision's own URL (GET /decisions/{decision_id}). With an
    Idempotency-Key, a retry (a request cut off, sent again) answers 200 with the decision the
    first request made, never a second one; the same key with another request is 409
    `idempotency_key_reused`. Several decisions may rest on one investigation, so a client that
    may send a decision twice should send a key."""
    made, created = await decisions.make_decision(uow, user, case_id, body.content(), key=idempotency_key)
    if not created:
        response.status_code = 200
    return _tagged(made, response)


@router.get("/decisions/{decision_id}", response_model=DecisionOut, summary="Read a decision",
            responses={200: {"description": "The decision", "headers": ETAG}})
async def get_decision(decision_id: UUID, response: Response, uow: UnitOfWorkDep,
                       user: Grant = allow("registry:case.read")) -> DecisionOut:
    """One decision with its content, maker and delegation status (awaiting approval, in force,
    refused). Who may read it as for its case; the read is in the access log. 404
    `decision_not_found` (also for a decision in another unit's case), 410 `case_removed`. Its
    ETag, sent back in If-Match, makes an approval or a refusal apply only to the decision as read."""
    return _tagged(await decisions.read_decision(uow, user, decision_id), response)


@router.get("/cases/{case_id}/decisions", response_model=Page[DecisionOut],
            summary="The case's decisions, oldest first")
async def list_decisions(case_id: UUID, uow: UnitOfWorkDep, paging: PageDep,
                         user: Grant = allow("registry:case.read")) -> Page[DecisionOut]:
    """The case's decisions, oldest first, with their content, maker and delegation status. Who
    may read them as for the case; the read is in the access log. 404 `case_not_found`."""
    return page(DecisionOut, await decisions.list_decisions(uow, user, case_id, limit=paging.limit,
                                                            cursor=paging.cursor))


@router.get(f"{DECISION}/letter", response_class=Response, responses=PDF,
            summary="The decision letter (beslutsmeddelande) as PDF: the decision, its reasons, legal basis and"
                    " how to appeal")
async def decision_letter(case_id: UUID, decision_id: UUID, uow: UnitOfWorkDep,
                          user: Grant = allow("registry:case.read")) -> Response:
    """The decision letter (beslutsmeddelande) as a PDF to send or hand to the person: the
    decision, its reasons, legal basis and, when it does not grant in full, how to appeal. Who may
    read it as for the case; the read is in the access log. 409 `decision_not_in_force` or
    `no_letter` (a decision made without reasons); 404 `decision_not_found`."""
    return pdf(await decisions.decision_letter(uow, user, case_id, decision_id), f"beslut-{decision_id}.pdf")


@router.get(f"{DECISION}/execution", response_model=ExecutionOut,
            responses={200: {"description": "The execution", "headers": EXECUTION_ETAG}},
            summary="How the decision is carried out: executions, interruptions, resumptions and delay reasons")
async def read_execution(case_id: UUID, decision_id: UUID, response: Response, uow: UnitOfWorkDep,
                         user: Grant = allow("registry:case.read")) -> ExecutionOut:
    """How the decision is carried out (verkställighet): when it was carried out, interrupted or
    resumed, and the recorded reasons for delay. Who may read it as for the case; 404
    `decision_not_found`. Its ETag, sent back in If-Match, makes what is recorded next apply
    only to the execution as read."""
    return _tagged_execution(await decisions.read_execution(uow, user, case_id, decision_id), response)


@router.post(f"{DECISION}/execution", response_model=ExecutionOut,
             responses={200: {"description": "The execution", "headers": EXECUTION_ETAG}},
             summary="Record that the decision is carried out in-house or by payment (verkställt)")
async def record_execution(case_id: UUID, decision_id: UUID, body: ExecutionIn, response: Response,
                           uow: UnitOfWorkDep, if_match: IfMatch = None,
                           user: Grant = allow("registry:case.decide")) -> ExecutionOut:
    """Records that the decision was carried out on a day by the unit's own staff (in_house) or
    by payment; a provider's start is recorded by the orders service. Caseworkers and supervisors
    of the case's unit. 409 `already_executed`, `decision_rejected`; 422
    `method_not_for_intervention`, `execution_in_future`, `execution_too_early`; 404
    `decision_not_found`; 412 `etag_mismatch` with an If-Match the execution no longer has."""
    return _tagged_execution(await decisions.record_execution(
        uow, user, case_id, decision_id, method=body.method, executed_on=body.executed_on, if_match=if_match),
        response)


@router.post(f"{DECISION}/interruption", response_model=ExecutionOut,
             responses={200: {"description": "The execution", "headers": EXECUTION_ETAG}},
             summary="Record an interruption (avbrott) of the decision's carrying out")
async def interrupt(case_id: UUID, decision_id: UUID, body: InterruptionIn, response: Response, uow: UnitOfWorkDep,
                    if_match: IfMatch = None, user: Grant = allow("registry:case.decide")) -> ExecutionOut:
    """Records that the carrying out was interrupted (avbrott) on a day, with a reason code; an
    interruption not resumed within three months is reported to IVO. Caseworkers and supervisors
    of the case's unit. 409 `not_executed`, `already_interrupted`; 422 for a day in the future or
    before the decision; 404 `decision_not_found`; 412 `etag_mismatch` with an If-Match the
    execution no longer has."""
    return _tagged_execution(await decisions.interrupt(uow, user, case_id, decision_id,
                                                       interrupted_on=body.interrupted_on,
                                                       reason_code=body.reason_code, if_match=if_match), response)


@router.post(f"{DECISION}/resumption", response_model=ExecutionOut,
             responses={200: {"description": "The execution", "headers": EXECUTION_ETAG}},
             summary="Record that an interrupted decision is carried out again")
async def resume(case_id: UUID, decision_id: UUID, body: ResumptionIn, response: Response, uow: UnitOfWorkDep,
                 if_match: IfMatch = None, user: Grant = allow("registry:case.decide")) -> ExecutionOut:
    """Records that an interrupted decision is carried out again from a day. Caseworkers and
    supervisors of the case's unit. 409 `not_interrupted`; 422 for a day in the future or before
    the decision; 404 `decision_not_found`; 412 `etag_mismatch` with an If-Match the execution
    no longer has."""
    return _tagged_execution(await decisions.resume(uow, user, case_id, decision_id, resumed_on=body.resumed_on,
                                                    if_match=if_match), response)


@router.post(f"{DECISION}/delay-reasons", response_model=ExecutionOut,
             responses={200: {"description": "The execution", "headers": EXECUTION_ETAG}},
             summary="Record why the decision is not carried out yet (for the report to IVO)")
async def record_delay_reason(case_id: UUID, decision_id: UUID, body: DelayReasonIn, response: Response,
                              uow: UnitOfWorkDep, if_match: IfMatch = None,
                              user: Grant = allow("registry:case.decide")) -> ExecutionOut:
    """Records why a favourable decision is not carried out yet (e.g. no place available, the
    person declined an offer), for the quarterly report to IVO. Caseworkers and supervisors of the
    case's unit. 409 `already_executed`, `decision_rejected`; 422 `declined_offer_on` when the
    date is given without code declined_offer or missing with it; 404 `decision_not_found`; 412
    `etag_mismatch` with an If-Match the execution no longer has."""
    return _tagged_execution(await decisions.record_delay_reason(
        uow, user, case_id, decision_id, code=body.code, declined_offer_on=body.declined_offer_on,
        if_match=if_match), response)


@router.post(f"{DECISION}/approval", response_model=DecisionOut,
             summary="Approve a decision above its maker's delegation: it comes into force (decision.approved)")
async def approve(case_id: UUID, decision_id: UUID, response: Response, uow: UnitOfWorkDep,
                  if_match: IfMatch = None, user: Grant = allow("registry:decision.approve")) -> DecisionOut:
    """Approves a decision waiting for approval because it was above its maker's delegation: it
    comes into force and `decision.approved` is published, so it can be carried out and ordered.
    Supervisors of the case's unit whose delegation level in the staff directory meets the
    decision's, and not its maker (403 `own_decision`, `delegation_insufficient`,
    `delegation_other_unit`); 409 `decision_not_awaiting_approval`; 404 `decision_not_found`; 412
    `etag_mismatch` with an If-Match the decision no longer has."""
    return _tagged(await decisions.approve(uow, user, case_id, decision_id, if_match=if_match), response)


@router.post(f"{DECISION}/refusal", response_model=DecisionOut,
             summary="Refuse a decision above its maker's delegation: it never comes into force (decision.refused)")
async def refuse(case_id: UUID, decision_id: UUID, body: RefusalIn, response: Response, uow: UnitOfWorkDep,
                 if_match: IfMatch = None, user: Grant = allow("registry:decision.approve")) -> DecisionOut:
    """Refuses a decision waiting for approval, with a reason kept in the registry: it never comes
    into force, and `decision.refused` is published. Who may do it and the errors as for
    approving."""
    return _tagged(await decisions.refuse(uow, user, case_id, decision_id, reason=body.reason, if_match=if_match),
                   response)
