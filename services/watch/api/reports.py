"""The quarter's report of decisions not carried out (ej verkställda beslut)."""
from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import Query, Response
from pydantic import BaseModel, ConfigDict, Field

from services.watch.domain.reports import Status
from services.watch.usecases import reports
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.interventions import Law
from shared.openapi import service_router

router = service_router(tags=["reports"])


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
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "quarter": "2026-Q1", "unit": "vuxen", "period_start": "2026-01-01", "period_end": "2026-03-31",
        "counts": {"not_executed": 1, "executed_late": 0, "ended_unexecuted": 0, "interrupted": 0, "resumed_late": 0},
        "not_executed": 1,
        "items": [{
            "decision_id": "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d", "case_id": "5c0a7e2d-91b4-4f36-8d2a-6e3b1f0c9a47",
            "intervention": "special_housing", "law": "SoL", "ivo_category": "Särskilt boende",
            "gender": "female", "birth_year": 1938, "decided_by": "anna", "decided_on": "2025-10-14",
            "deadline": "2026-01-14", "status": "not_executed", "executed_on": None, "interrupted_on": None,
            "resumed_on": None, "ended_on": None, "days_waited": 168,
            "delay_reasons": [{"code": "no_place_available", "declined_offer_on": None}]}],
        "next_cursor": None}]})

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
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "quarter": "2026-Q1", "unit": "vuxen", "period_start": "2026-01-01", "period_end": "2026-03-31",
        "items": [{"law": "SoL", "gender": "female", "status": "not_executed", "count": 3},
                  {"law": "SoL", "gender": "male", "status": "executed_late", "count": 1},
                  {"law": "LSS", "gender": "unknown", "status": "not_executed", "count": 1}]}]})

    quarter: str
    unit: str
    period_start: date
    period_end: date
    items: list[SummaryLine]


@router.get("/reports/unexecuted-decisions", summary="Decisions not carried out within three months, per quarter")
async def unexecuted_decisions(uow: UnitOfWorkDep, page: PageDep, quarter: Quarter,
                               user: Grant = allow("watch:report.read"), unit: UnitQuery = None,
                               law: LawQuery = None) -> UnexecutedReport:
    """The quarter's report of decisions not carried out within three months (ej verkställda
    beslut), as IVO asks for it: each decision with its status at the quarter's end, days waited
    and recorded reasons for the delay, a page at a time; `counts` and `not_executed` cover the
    whole report. For a supervisor, of their own unit only (403 `other_unit` for another, `no_unit`
    without one); 422 `invalid_quarter` for a quarter not written YYYY-Qn, `report_too_large`
    when the unit has too many decisions for one report."""
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
    """The same report as a CSV file (semicolon separated, UTF-8 with BOM for Swedish
    spreadsheets), every line at once, to upload to or copy into IVO's e-service. Who may read it
    and the errors are those of the report."""
    text = await reports.unexecuted_decisions_csv(uow, user, quarter=quarter, unit=unit, law=law)
    name = f"ej-verkstallda-beslut-{quarter}{'-' + law if law else ''}.csv"
    return Response(content=text.encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/reports/unexecuted-decisions/summary", response_model=CouncilSummary,
            summary="The quarter's numbers by law, gender and status, for the council and the auditors")
async def council_summary(uow: UnitOfWorkDep, quarter: Quarter, user: Grant = allow("watch:report.read"),
                          unit: UnitQuery = None) -> CouncilSummary:
    """The quarter's numbers of decisions not carried out in time, by law, gender and status, for
    the council (kommunfullmäktige) and the auditors: counts only, no decision or person. Who may
    read it and the errors are those of the report."""
    q, own_unit, rows = await reports.council_summary_of(uow, user, quarter=quarter, unit=unit)
    return CouncilSummary(quarter=str(q), unit=own_unit, period_start=q.start, period_end=q.end,
                          items=[SummaryLine(**vars(r)) for r in rows])
