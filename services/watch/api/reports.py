"""The quarter's report of decisions not carried out (ej verkställda beslut)."""
from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.watch.domain.reports import Status
from services.watch.usecases import reports
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep

router = APIRouter(tags=["reports"])


class DecisionLine(BaseModel):
    decision_id: UUID
    case_id: UUID | None
    intervention: str | None
    decided_by: str | None
    decided_on: date
    deadline: date = Field(description="Three months after the decision")
    status: Status
    executed_on: date | None
    ended_on: date | None = Field(description="The day the case closed without the decision carried out")
    days_waited: int = Field(description="Days from the decision to its execution, ending, or the quarter's end")


class UnexecutedReport(BaseModel):
    quarter: str
    unit: str
    period_start: date
    period_end: date
    counts: dict[Status, int] = Field(description="Every decision in the report, on every page")
    not_executed: int = Field(description="Decisions not carried out at the quarter's end")
    items: list[DecisionLine] = Field(description="By decision date")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


@router.get("/reports/unexecuted-decisions", summary="Decisions not carried out within three months, per quarter")
async def unexecuted_decisions(
    uow: UnitOfWorkDep, page: PageDep,
    quarter: Annotated[str, Query(max_length=7, description="e.g. 2025-Q2")],
    user: Grant = allow("watch:report.read"),
    unit: Annotated[str | None, Query(max_length=200, description="Your own unit (the default)")] = None,
) -> UnexecutedReport:
    found = await reports.unexecuted_decisions(uow, user, quarter=quarter, unit=unit, limit=page.limit,
                                               cursor=page.cursor)
    return UnexecutedReport(quarter=str(found.quarter), unit=found.unit, period_start=found.quarter.start,
                            period_end=found.quarter.end, counts=found.counts, not_executed=found.not_executed,
                            items=[DecisionLine(**vars(line)) for line in found.lines],
                            next_cursor=found.next_cursor)
