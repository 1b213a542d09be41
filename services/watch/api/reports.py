"""The quarter's report of decisions not carried out (ej verkställda beslut)."""
from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from services.watch.domain.reports import Status
from services.watch.usecases import reports
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.interventions import Law

router = APIRouter(tags=["reports"])


class DelayReason(BaseModel):
    code: str = Field(description="a delay-reason code of the registry (e.g. no_place_available, declined_offer)")
    declined_offer_on: date | None = None


class DecisionLine(BaseModel):
    decision_id: UUID
    case_id: UUID | None
    intervention: str | None
    law: str | None = Field(description="SoL or LSS")
    ivo_category: str | None = Field(description="IVO's category of the intervention")
    gender: str | None = Field(description="female or male")
    birth_year: int | None
    decided_by: str | None
    decided_on: date
    deadline: date = Field(description="Three months after the decision, or after the interruption")
    status: Status
    executed_on: date | None = Field(description="The day it was carried out, late, during the quarter")
    interrupted_on: date | None = Field(description="The day the carrying out was interrupted, when that is"
                                                    " what is reported")
    resumed_on: date | None = Field(description="The day it was resumed, late, during the quarter")
    ended_on: date | None = Field(description="The day the case closed without the decision carried out")
    days_waited: int = Field(description="Days from the decision (or interruption) to its end, or the quarter's"
                                         " end")
    delay_reasons: list[DelayReason] = Field(description="Why it is not carried out, as recorded")


class UnexecutedReport(BaseModel):
    quarter: str
    unit: str
    period_start: date
    period_end: date
    counts: dict[Status, int] = Field(description="Every decision in the report, on every page")
    not_executed: int = Field(description="Decisions not carried out at the quarter's end")
    items: list[DecisionLine] = Field(description="By decision date")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


Quarter = Annotated[str, Query(max_length=7, description="e.g. 2025-Q2")]
UnitQuery = Annotated[str | None, Query(max_length=200, description="Your own unit (the default)")]
LawQuery = Annotated[Law | None, Query(description="SoL or LSS; both when left out")]


class SummaryLine(BaseModel):
    law: str
    gender: str = Field(description="female, male or unknown")
    status: Status
    count: int


class CouncilSummary(BaseModel):
    """The quarter's numbers for the council (kommunfullmäktige) and the auditors, by gender."""
    quarter: str
    unit: str
    period_start: date
    period_end: date
    items: list[SummaryLine]


@router.get("/reports/unexecuted-decisions", summary="Decisions not carried out within three months, per quarter")
async def unexecuted_decisions(uow: UnitOfWorkDep, page: PageDep, quarter: Quarter,
                               user: Grant = allow("watch:report.read"), unit: UnitQuery = None,
                               law: LawQuery = None) -> UnexecutedReport:
    found = await reports.unexecuted_decisions(uow, user, quarter=quarter, unit=unit, limit=page.limit,
                                               cursor=page.cursor, law=law)
    return UnexecutedReport(quarter=str(found.quarter), unit=found.unit, period_start=found.quarter.start,
                            period_end=found.quarter.end, counts=found.counts, not_executed=found.not_executed,
                            items=[DecisionLine(**{**vars(line), "delay_reasons": list(line.delay_reasons)})
                                   for line in found.lines],
                            next_cursor=found.next_cursor)


@router.get("/reports/unexecuted-decisions.csv", response_class=Response,
            summary="The quarter's report as CSV, every line, to upload to or copy into IVO's e-service",
            responses={200: {"content": {"text/csv": {}}}})
async def unexecuted_decisions_csv(uow: UnitOfWorkDep, quarter: Quarter, user: Grant = allow("watch:report.read"),
                                   unit: UnitQuery = None, law: LawQuery = None) -> Response:
    text = await reports.unexecuted_decisions_csv(uow, user, quarter=quarter, unit=unit, law=law)
    name = f"ej-verkstallda-beslut-{quarter}{'-' + law if law else ''}.csv"
    return Response(content=text.encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/reports/unexecuted-decisions/summary", response_model=CouncilSummary,
            summary="The quarter's numbers by law, gender and status, for the council and the auditors")
async def council_summary(uow: UnitOfWorkDep, quarter: Quarter, user: Grant = allow("watch:report.read"),
                          unit: UnitQuery = None) -> CouncilSummary:
    q, own_unit, rows = await reports.council_summary_of(uow, user, quarter=quarter, unit=unit)
    return CouncilSummary(quarter=str(q), unit=own_unit, period_start=q.start, period_end=q.end,
                          items=[SummaryLine(**vars(r)) for r in rows])
