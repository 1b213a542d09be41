"""The quarter's report of decisions not carried out (ej verkställda beslut)."""
from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.watch.domain import access, reports
from services.watch.domain.reports import Quarter, Status
from services.watch.store import decisions as store
from shared import errors
from shared.access import Grant
from shared.access.routes import allow
from shared.service import Pool

router = APIRouter(tags=["reports"])

DEFAULT_PAGE, MAX_PAGE = 200, 1_000
# A unit's favourable decisions of the last quarters; far beyond, something is wrong.
MAX_CANDIDATES = 50_000


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
    counts: dict[Status, int]
    not_executed: int = Field(description="Decisions not carried out at the quarter's end")
    decisions: list[DecisionLine]
    limit: int
    offset: int


@router.get("/reports/unexecuted-decisions", summary="Decisions not carried out within three months, per quarter")
async def unexecuted_decisions(
    pool: Pool,
    quarter: Annotated[str, Query(max_length=7, description="e.g. 2025-Q2")],
    user: Grant = allow("watch:report.read"),
    unit: Annotated[str | None, Query(max_length=200, description="Your own unit (the default)")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> UnexecutedReport:
    q = Quarter.parse(quarter)
    own_unit = access.report_unit(user, unit)
    async with pool.acquire() as conn:
        rows = await store.report_candidates(conn, unit=own_unit, decided_on_or_before=reports.oldest_decided_on(q),
                                             active_from=q.start, cap=MAX_CANDIDATES + 1)
    if len(rows) > MAX_CANDIDATES:
        raise errors.invalid("report_too_large", "Too many decisions for one report",
                      f"more than {MAX_CANDIDATES} candidate decisions in unit {own_unit!r}")
    lines = []
    for r in rows:
        status = reports.status_in(q, decided_on=r["decided_on"], executed_on=r["executed_on"],
                                   closed_on=r["closed_on"])
        if status is None:
            continue
        ended = r["closed_on"] if status is Status.ENDED_UNEXECUTED else None
        until = r["executed_on"] if status is Status.EXECUTED_LATE else ended or q.end
        lines.append(DecisionLine(decision_id=r["decision_id"], case_id=r["case_id"], intervention=r["intervention"],
                                  decided_by=r["decided_by"], decided_on=r["decided_on"],
                                  deadline=reports.deadline(r["decided_on"]), status=status,
                                  executed_on=r["executed_on"] if status is Status.EXECUTED_LATE else None,
                                  ended_on=ended, days_waited=(until - r["decided_on"]).days))
    counts = {s: sum(1 for line in lines if line.status is s) for s in Status}
    return UnexecutedReport(quarter=str(q), unit=own_unit, period_start=q.start, period_end=q.end, counts=counts,
                            not_executed=counts[Status.NOT_EXECUTED], decisions=lines[offset:offset + limit],
                            limit=limit, offset=offset)
