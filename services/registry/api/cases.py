"""HTTP routes for cases (ärenden) and their investigations (utredningar); decisions are in `decisions`."""
from uuid import UUID

from fastapi import Response

from services.registry.api.models import (
    CASE_ETAG,
    INVESTIGATION_ETAG,
    CaseIn,
    CaseOut,
    CaseRecordOut,
    ExtensionIn,
    ExtensionOut,
    InquiryOut,
    InvestigationIn,
    InvestigationOut,
    ReasonIn,
    RemovalOut,
    page,
    tagged_case,
    tagged_investigation,
)
from services.registry.usecases import case_record, cases, inquiries, investigations
from shared.access import Grant
from shared.access.routes import allow
from shared.api import IdempotencyKey, IfMatch, Limit, PageDep, UnitOfWorkDep
from shared.openapi import service_router
from shared.pagination import DEFAULT_LIMIT, Page

router = service_router(prefix="/cases", tags=["cases"])
investigation_router = service_router(prefix="/investigations", tags=["cases"])


@router.post("", status_code=201, response_model=CaseOut, summary="Open a case (öppna ärende)",
             responses={200: {"description": "A retry: the case this Idempotency-Key opened before"}})
async def create_case(body: CaseIn, response: Response, uow: UnitOfWorkDep, idempotency_key: IdempotencyKey = None,
                      user: Grant = allow("registry:case.open")) -> CaseOut:
    """Opens a case (ärende) of a kind in one of the caller's units about a registered person and
    publishes `case.opened`. The responsible caseworker is the caller unless `caseworker` names
    another: a member of the unit in the staff directory, active today (422 `unknown_caseworker`,
    `caseworker_other_unit`, `caseworker_not_active`; anyone while the directory has no one in
    the unit). With an Idempotency-Key, a retry (a request cut off, sent again) answers 200 with
    the case the first request opened, never a second case; the same key with another request is
    409 `idempotency_key_reused`. Caseworkers and supervisors of the unit (403 `other_unit`
    otherwise); 422 `person_not_found` for a person not registered."""
    row, opened = await cases.open_case_once(uow, user, key=idempotency_key, unit=body.unit, kind=body.kind,
                                             person_id=body.person_id, caseworker=body.caseworker)
    if not opened:
        response.status_code = 200
    return CaseOut.of(row)


@router.get("/{case_id}", response_model=CaseOut, summary="Read a case",
            responses={200: {"description": "The case", "headers": CASE_ETAG}})
async def get_case(case_id: UUID, response: Response, uow: UnitOfWorkDep,
                   user: Grant = allow("registry:case.read")) -> CaseOut:
    """The case: unit, kind, person, status, responsible caseworker, and whether it is closed or
    removed. A caseworker reads their unit's cases; supervisors, family law, object specialists
    and support every unit's. Every read is in the access log. 404 `case_not_found` (also for
    another unit's case), 410 `case_removed` for a case support has removed. Its ETag, sent back
    in If-Match, makes a close, removal, restoration or hand-over apply only to the case as read."""
    return tagged_case(await cases.read_case(uow, user, case_id), response)


@router.get("/{case_id}/record", response_model=CaseRecordOut,
            summary="The case with its person, inquiries, investigations and decisions, in one read")
async def get_case_record(case_id: UUID, uow: UnitOfWorkDep, limit: Limit = DEFAULT_LIMIT,
                          user: Grant = allow("registry:case.read")) -> CaseRecordOut:
    """What `GET /cases/{case_id}`, its person, `/inquiries`, `/investigations` and `/decisions`
    answer, in one request: the first `limit` of each list, whose `next_cursor` the list's own
    route goes on from. The person is there only for a role that may read persons (null for an
    object specialist). Who may read it as for the case; the case and the person are each in the
    access log. 404 `case_not_found` (also for another unit's case), 410 `case_removed`."""
    return CaseRecordOut.of(await case_record.read_case_record(uow, user, case_id, limit=limit))


@router.post("/{case_id}/close", response_model=CaseOut, summary="Close a case (avsluta ärende)",
             responses={200: {"description": "The case, closed", "headers": CASE_ETAG}})
async def close_case(case_id: UUID, body: ReasonIn, response: Response, uow: UnitOfWorkDep,
                     if_match: IfMatch = None, user: Grant = allow("registry:case.close")) -> CaseOut:
    """Closes an open case with a reason and publishes `case.closed`; orders sent in it end, and
    nothing new is added to it. Caseworkers and supervisors of the case's unit. 409
    `investigation_ongoing` while an investigation is not completed, `case_closed`,
    `case_removed`; 404 `case_not_found`; 412 `etag_mismatch` with an If-Match the case no longer has."""
    return tagged_case(await cases.close_case(uow, user, case_id, reason=body.reason, if_match=if_match), response)


@router.post("/{case_id}/investigations", status_code=201, response_model=InvestigationOut,
             responses={201: {"description": "The investigation", "headers": INVESTIGATION_ETAG}},
             summary="Start an investigation (inled utredning)")
async def create_investigation(case_id: UUID, body: InvestigationIn, response: Response, uow: UnitOfWorkDep,
                               user: Grant = allow("registry:case.investigate")) -> InvestigationOut:
    """Starts an investigation (utredning) of an open case, today unless `started_on` says
    otherwise, and publishes `investigation.started`. About a child, it is due four months after
    the start. Caseworkers and supervisors of the case's unit. 409 `investigation_ongoing`,
    `case_closed`; 422 `investigation_in_future`, `investigation_before_case`; 404
    `case_not_found`. The answer's Location is the investigation's own URL (GET
    /investigations/{investigation_id})."""
    return tagged_investigation(await investigations.start_investigation(uow, user, case_id,
                                                                         started_on=body.started_on), response)


@router.post("/{case_id}/investigations/{investigation_id}/extensions", status_code=201,
             response_model=InvestigationOut,
             responses={201: {"description": "The investigation, due later", "headers": INVESTIGATION_ETAG}},
             summary="Extend a child investigation beyond four months (särskilda skäl), with the reason")
async def extend_investigation(case_id: UUID, investigation_id: UUID, body: ExtensionIn, response: Response,
                               uow: UnitOfWorkDep, if_match: IfMatch = None,
                               user: Grant = allow("registry:case.investigate")) -> InvestigationOut:
    """Moves the due date of a child investigation to a later day, for special reasons
    (särskilda skäl) stated in `reason`, and publishes `investigation.extended`; the watch moves
    its deadline. Caseworkers and supervisors of the case's unit. 409 `no_statutory_deadline` for
    an investigation without a deadline, `deadline_settled` for a completed one; 422
    `extension_not_later`, `extension_in_past`; 404 `investigation_not_found`; 412
    `etag_mismatch` with an If-Match the investigation no longer has."""
    return tagged_investigation(await investigations.extend_investigation(
        uow, user, case_id, investigation_id, due_on=body.due_on, reason=body.reason, if_match=if_match), response)


@router.get("/{case_id}/investigations/{investigation_id}/extensions", response_model=Page[ExtensionOut],
            summary="The extensions of an investigation's deadline, oldest first")
async def list_extensions(case_id: UUID, investigation_id: UUID, uow: UnitOfWorkDep, paging: PageDep,
                          user: Grant = allow("registry:case.read")) -> Page[ExtensionOut]:
    """Every extension of the investigation's deadline, oldest first: from which day to which,
    why, by whom. Who may read it as for the case; 404 `case_not_found`,
    `investigation_not_found`."""
    return page(ExtensionOut, await investigations.list_extensions(
        uow, user, case_id, investigation_id, limit=paging.limit, cursor=paging.cursor))


@router.get("/{case_id}/investigations", response_model=Page[InvestigationOut],
            summary="The case's investigations, oldest first")
async def list_investigations(case_id: UUID, uow: UnitOfWorkDep, paging: PageDep,
                              user: Grant = allow("registry:case.read")) -> Page[InvestigationOut]:
    """The case's investigations, oldest first, with their due dates and completion. Who may
    read them as for the case; 404 `case_not_found`."""
    return page(InvestigationOut, await investigations.list_investigations(
        uow, user, case_id, limit=paging.limit, cursor=paging.cursor))


@investigation_router.get("/{investigation_id}", response_model=InvestigationOut, summary="Read an investigation",
                          responses={200: {"description": "The investigation", "headers": INVESTIGATION_ETAG}})
async def get_investigation(investigation_id: UUID, response: Response, uow: UnitOfWorkDep,
                            user: Grant = allow("registry:case.read")) -> InvestigationOut:
    """One investigation with its start, due date and completion. Who may read it as for its
    case; the read is in the access log. 404 `investigation_not_found` (also for one in another
    unit's case), 410 `case_removed`. Its ETag, sent back in If-Match, makes an extension or a
    completion apply only to the investigation as read."""
    return tagged_investigation(await investigations.read_investigation(uow, user, investigation_id), response)


@router.get("/{case_id}/inquiries", response_model=Page[InquiryOut],
            summary="The inquiries (aktualiseringar) that led to the case's investigations, oldest first")
async def list_inquiries(case_id: UUID, uow: UnitOfWorkDep, paging: PageDep,
                         user: Grant = allow("registry:case.read")) -> Page[InquiryOut]:
    """The inquiries that led to an investigation of the case, the earliest received first, with
    their deadlines and assessments as `GET /inquiries/{inquiry_id}` shows them. Who may read
    them as for the case, and the read is in the access log; 404 `case_not_found` (also for
    another unit's case)."""
    return page(InquiryOut, await inquiries.list_case_inquiries(
        uow, user, case_id, limit=paging.limit, cursor=paging.cursor))


@router.post("/{case_id}/investigations/{investigation_id}/completion", response_model=InvestigationOut,
             responses={200: {"description": "The investigation, completed", "headers": INVESTIGATION_ETAG}},
             summary="Complete an investigation (avsluta utredning)")
async def complete_investigation(case_id: UUID, investigation_id: UUID, response: Response, uow: UnitOfWorkDep,
                                 if_match: IfMatch = None,
                                 user: Grant = allow("registry:case.investigate")) -> InvestigationOut:
    """Completes an ongoing investigation today and publishes `investigation.completed`
    (a decision on it completes it too). Caseworkers and supervisors of the case's unit. 409
    `investigation_completed`, `case_closed`; 404 `investigation_not_found`; 412 `etag_mismatch`
    with an If-Match the investigation no longer has."""
    return tagged_investigation(await investigations.complete_investigation(
        uow, user, case_id, investigation_id, if_match=if_match), response)


@router.post("/{case_id}/removal", response_model=CaseOut,
             summary="Remove a case from every usual view (support; reversible, audited)")
async def remove_case(case_id: UUID, body: ReasonIn, response: Response, uow: UnitOfWorkDep,
                      if_match: IfMatch = None, user: Grant = allow("registry:case.remove")) -> CaseOut:
    """Takes a case out of every usual view, with a reason (e.g. registered on the wrong person),
    and publishes `case.removed`; nothing is deleted, the removal can be undone and is in the
    case's history and the access log. Support only. 409 `case_removed` when already removed; 404
    `case_not_found`; 412 `etag_mismatch` with an If-Match the case no longer has."""
    return tagged_case(await cases.remove_case(uow, user, case_id, reason=body.reason, if_match=if_match), response)


@router.post("/{case_id}/restoration", response_model=CaseOut, summary="Restore a removed case (support, audited)")
async def restore_case(case_id: UUID, body: ReasonIn, response: Response, uow: UnitOfWorkDep,
                       if_match: IfMatch = None, user: Grant = allow("registry:case.remove")) -> CaseOut:
    """Brings a removed case back into every view, with a reason, and publishes
    `case.restored`. Support only. 409 `case_not_removed`; 404 `case_not_found`; 412
    `etag_mismatch` with an If-Match the case no longer has."""
    return tagged_case(await cases.restore_case(uow, user, case_id, reason=body.reason, if_match=if_match), response)


@router.get("/{case_id}/removals", response_model=Page[RemovalOut],
            summary="Every removal and restoration of the case, oldest first (support)")
async def list_removals(case_id: UUID, uow: UnitOfWorkDep, paging: PageDep,
                        user: Grant = allow("registry:case.remove")) -> Page[RemovalOut]:
    """Every removal and restoration of the case, oldest first, with reason, who and when.
    Support only; the read is in the access log. 404 `case_not_found`."""
    return page(RemovalOut, await cases.list_removals(uow, user, case_id, limit=paging.limit, cursor=paging.cursor))
