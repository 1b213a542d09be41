"""HTTP routes for the watch list (bevakningslistan) and resolving a watch."""
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.watch.domain.rules import Kind
from services.watch.usecases import watches
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep

router = APIRouter(tags=["watches"])

Name = Annotated[str, Field(min_length=1, max_length=200)]


class WatchOut(BaseModel):
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
    due_on: date
    overdue: bool
    raised_at: datetime
    last_raised_at: datetime
    trigger_count: int = Field(description="How often a rule has fired for this open watch")
    details: dict[str, Any]


class KindCount(BaseModel):
    open: int
    overdue: int


class WatchPage(BaseModel):
    today: date
    overdue: int = Field(description="Overdue watches in the list, on every page")
    counts: dict[Kind, KindCount] = Field(description="Open and overdue watches per kind, on every page")
    items: list[WatchOut] = Field(description="Most urgent first: overdue, then by due date and kind")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


class ResolveIn(BaseModel):
    comment: str | None = Field(None, max_length=2_000, description="What was done, for the record")


class ResolvedOut(BaseModel):
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
    found = await watches.list_watches(uow, user, assignee=assignee, unit=unit, kind=kind,
                                       limit=page.limit, cursor=page.cursor)
    return WatchPage(today=found.today, overdue=found.overdue,
                     counts={k: KindCount(open=c.open, overdue=c.overdue) for k, c in found.counts.items()},
                     items=[WatchOut(**dict(r)) for r in found.items], next_cursor=found.next_cursor)


@router.post("/watches/{watch_id}/resolve", summary="Mark a watch as dealt with (åtgärdad)")
async def resolve_watch(watch_id: UUID, uow: UnitOfWorkDep, body: ResolveIn | None = None,
                        user: Grant = allow("watch:watch.resolve")) -> ResolvedOut:
    row = await watches.resolve_watch(uow, user, watch_id, comment=body.comment if body else None)
    return ResolvedOut(id=row["id"], kind=row["kind"], subject_id=row["subject_id"], resolved_at=row["resolved_at"],
                       resolved_by=row["resolved_by"], resolution=row["resolution"],
                       comment=row["resolution_comment"])
