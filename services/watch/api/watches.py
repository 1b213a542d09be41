"""HTTP routes for the watch list (bevakningslistan), one watch, and resolving a watch. A watch's
ETag (GET /watches/{id}, and `etag` of each watch listed) is sent back in If-Match to resolve it."""
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Body, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from services.watch.domain.rules import Kind
from services.watch.usecases import watches
from shared.access import Grant
from shared.access.routes import allow
from shared.api import IfMatch, PageDep, UnitOfWorkDep
from shared.etag import etag, etag_header
from shared.openapi import service_router

router = service_router(tags=["watches"])

Name = Annotated[str, Field(min_length=1, max_length=200)]
ETAG = etag_header("The watch's version: send it back in If-Match to resolve exactly what you read")


# The watch an order raises when its provider has not confirmed it in two working days.
_WATCH = {
    "id": "8e4d2c1b-0a9f-4e8d-b7c6-5a4b3c2d1e0f", "kind": "order_unconfirmed", "rule": "order_reminder",
    "subject_type": "order", "subject_id": "01960a8c-3b2d-7e4f-9a1b-2c3d4e5f6a7b",
    "case_id": "5c0a7e2d-91b4-4f36-8d2a-6e3b1f0c9a47",
    "assignee": "anna", "unit": "vuxen", "escalated_to": None, "role": None, "due_on": "2026-03-11", "overdue": True,
    "raised_at": "2026-03-11T10:05:42Z", "last_raised_at": "2026-03-11T10:05:42Z", "trigger_count": 1,
    "details": {"provider_id": "01958e21-4c3b-7d2a-8e1f-0a9b8c7d6e5f", "provider_email": "order@norr.example.se",
                "provider_webhook_url": "https://norr.example.se/hooks/omsorg",
                "decision_id": "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d", "intervention": "home_help",
                "sent_at": "2026-03-09T10:05:42+00:00"},
    "etag": '"1"'}


class WatchOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_WATCH]})

    id: UUID
    kind: Kind
    rule: str
    subject_type: str
    subject_id: UUID
    case_id: UUID | None
    assignee: str | None = Field(description="The caseworker; null: an escalation (see `escalated_to`)")
    unit: str
    escalated_to: str | None = Field(description="An escalation's supervisor: the caseworker's own (sub) from the"
                                                  " staff directory, or `supervisor`: the unit's supervisors")
    role: str | None = Field(None, description="The role whose members see and resolve the watch (`support`: a"
                                               " culling not every service confirmed in time); null for others")
    due_on: date
    overdue: bool
    raised_at: datetime
    last_raised_at: datetime
    trigger_count: int = Field(description="How often a rule has fired for this open watch")
    details: dict[str, Any]
    etag: str = Field(description="The watch's ETag, as GET /watches/{id} answers it: send it in If-Match to"
                                  " resolve the watch as listed")

    @classmethod
    def of(cls, row, today: date) -> "WatchOut":
        return cls(**{**dict(row), "overdue": row["status"] == "open" and row["due_on"] < today},
                   etag=etag(row["revision"]))


class WatchDetail(WatchOut):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        **_WATCH, "status": "open", "resolved_at": None, "resolved_by": None, "resolution": None, "comment": None}]})

    status: Literal["open", "resolved"]
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str | None = Field(description="`manual`, or how its subject settled it")
    comment: str | None = Field(description="The comment of a resolution by hand")

    @classmethod
    def of(cls, row, today: date) -> "WatchDetail":
        return cls(**WatchOut.of(row, today).model_dump(), status=row["status"], resolved_at=row["resolved_at"],
                   resolved_by=row["resolved_by"], resolution=row["resolution"], comment=row["resolution_comment"])


class KindCount(BaseModel):
    open: int
    overdue: int


class WatchPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "today": "2026-03-16", "overdue": 1,
        "counts": {"order_unconfirmed": {"open": 1, "overdue": 1}, "investigation_due": {"open": 2, "overdue": 0}},
        "items": [_WATCH], "next_cursor": None}]})

    today: date
    overdue: int = Field(description="Overdue watches in the list, on every page")
    counts: dict[Kind, KindCount] = Field(description="Open and overdue watches per kind, on every page")
    items: list[WatchOut] = Field(description="Most urgent first: overdue, then by due date and kind")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


class ResolveIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"comment": "Ringde utföraren, beställningen bekräftas i dag."}]})

    comment: str | None = Field(None, max_length=2_000, description="What was done, for the record")


class ResolvedOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "8e4d2c1b-0a9f-4e8d-b7c6-5a4b3c2d1e0f", "kind": "order_unconfirmed",
        "subject_id": "01960a8c-3b2d-7e4f-9a1b-2c3d4e5f6a7b", "resolved_at": "2026-03-16T09:41:12Z",
        "resolved_by": "anna", "resolution": "manual",
        "comment": "Ringde utföraren, beställningen bekräftas i dag."}]})

    id: UUID
    kind: Kind
    subject_id: UUID
    resolved_at: datetime
    resolved_by: str
    resolution: str
    comment: str | None


@router.get("/watches", summary="Open watches, most urgent first, one per subject and kind")
async def list_watches(
    uow: UnitOfWorkDep, page: PageDep,
    user: Grant = allow("watch:watch.read"),
    assignee: Annotated[Name | None, Query(description="A caseworker's list (supervisors)")] = None,
    unit: Annotated[Name | None, Query(description="The whole unit's list (supervisors, own unit)")] = None,
    kind: Kind | None = None,
) -> WatchPage:
    """The open watches (bevakningar) the caller must act on: one per subject and kind, overdue
    first, then by due date; `counts` and `overdue` cover the whole list, not only the page.
    A caseworker sees their own watches and those of whom they cover today (`assignee` may name
    one of those); a supervisor by default their own and the unit's unassigned ones, or with
    `assignee` a caseworker's list, or with `unit` (their own only) the whole unit's. 403
    `not_your_list` or `other_unit` for a list the caller may not see."""
    found = await watches.list_watches(uow, user, assignee=assignee, unit=unit, kind=kind,
                                       limit=page.limit, cursor=page.cursor)
    return WatchPage(today=found.today, overdue=found.overdue,
                     counts={k: KindCount(open=c.open, overdue=c.overdue) for k, c in found.counts.items()},
                     items=[WatchOut.of(r, found.today) for r in found.items], next_cursor=found.next_cursor)


@router.get("/watches/{watch_id}", responses={200: {"description": "The watch", "headers": ETAG}},
            summary="One watch, open or resolved, with its ETag")
async def get_watch(watch_id: UUID, response: Response, uow: UnitOfWorkDep,
                    user: Grant = allow("watch:watch.read")) -> WatchDetail:
    """The watch as listed, with whether and how it was resolved; its ETag is the version to send
    in If-Match to resolve it. Whoever may resolve it may read it: the assignee (or whoever covers
    them today) or a supervisor of the watch's unit; 403 `not_your_watch` for anyone else, 404
    `watch_not_found`."""
    row, today = await watches.get_watch(uow, user, watch_id)
    response.headers["ETag"] = etag(row["revision"])
    return WatchDetail.of(row, today)


@router.post("/watches/{watch_id}/resolve", responses={200: {"description": "The resolution", "headers": ETAG}},
             summary="Mark a watch as dealt with (åtgärdad)")
async def resolve_watch(watch_id: UUID, response: Response, uow: UnitOfWorkDep,
                        body: Annotated[ResolveIn | None, Body(examples=ResolveIn.model_config["json_schema_extra"]
                                                               ["examples"])] = None,
                        if_match: IfMatch = None, user: Grant = allow("watch:watch.resolve")) -> ResolvedOut:
    """Resolves an open watch by hand, with an optional comment of what was done, and publishes
    `watch.resolved`. The assignee (or whoever covers them today) or a supervisor of the watch's
    unit may do it; 403 `not_your_watch` for anyone else, 404 `watch_not_found`, 409
    `watch_resolved` when it is already resolved (by hand or because its subject was dealt with);
    412 `etag_mismatch` with an If-Match that is not current (the watch fired again, moved or was
    reassigned since it was read). The ETag answered is the resolved watch's."""
    row = await watches.resolve_watch(uow, user, watch_id, comment=body.comment if body else None,
                                      if_match=if_match)
    response.headers["ETag"] = etag(row["revision"])
    return ResolvedOut(id=row["id"], kind=row["kind"], subject_id=row["subject_id"], resolved_at=row["resolved_at"],
                       resolved_by=row["resolved_by"], resolution=row["resolution"],
                       comment=row["resolution_comment"])
