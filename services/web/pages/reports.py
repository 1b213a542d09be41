"""The supervisor's report to IVO of the quarter: favourable decisions not carried out within three
months (ej verkställda beslut), from the watch's GET /reports/unexecuted-decisions of the
supervisor's own unit, a page at a time, and its CSV (GET /reports/unexecuted-decisions.csv) passed
on to the browser as it comes. The quarter shown unless another is chosen is the current one by the
web's clock, in Sweden. Who may read it (a supervisor, their own unit) is the watch's to decide."""
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from services.web import quarters, telemetry, texts
from services.web.backends import Answer
from services.web.pages.common import Section, SignedIn, render, section

router = APIRouter()

PAGE_SIZE = 50
QuarterQuery = Annotated[str | None, Query(max_length=20)]
Cursor = Annotated[str | None, Query(max_length=500)]


@router.get("/reports/ivo")
async def ivo_report(request: Request, session: SignedIn, quarter: QuarterQuery = None, cursor: Cursor = None):
    today = request.app.state.clock.today()
    chosen = (quarter or "").strip() or quarters.of(today)
    if quarters.QUARTER.fullmatch(chosen):
        report = await section(request, "watch", "/reports/unexecuted-decisions",
                               {"quarter": chosen, "limit": PAGE_SIZE, "cursor": cursor})
    else:  # not a quarter at all: said as the watch says it of a quarter that does not exist
        report = Section(problem=texts.problem("invalid_quarter"), status=422)
    choices = quarters.recent(today)
    if chosen not in choices and quarters.QUARTER.fullmatch(chosen):
        choices = sorted([*choices, chosen], reverse=True)
    status = report.status if report.status in (403, 422) else 200
    return render(request, "ivo_report.html", status_code=status, report=report, quarter=chosen, cursor=cursor,
                  choices=choices, quarter_name=quarters.swedish)


@router.get("/reports/ivo.csv")
async def ivo_report_csv(request: Request, session: SignedIn, quarter: QuarterQuery = None):
    """The whole report as the watch's CSV, streamed through; never kept by a cache on the way."""
    chosen = (quarter or "").strip() or quarters.of(request.app.state.clock.today())
    if quarters.QUARTER.fullmatch(chosen):
        answer = await request.app.state.backends["watch"].stream(
            "/reports/unexecuted-decisions.csv", session.token, request.state.request_id, {"quarter": chosen})
    else:
        answer = Answer(422, {"code": "invalid_quarter"})
    if isinstance(answer, Answer):
        status = answer.status if answer.status in (403, 404, 422) else 502
        return render(request, "error.html", status_code=status, title="Rapporten kan inte hämtas",
                      message=texts.problem(answer.code), trace_id=telemetry.current_trace_id())
    headers = {"Cache-Control": "no-store"}
    if "content-disposition" in answer.headers:
        headers["Content-Disposition"] = answer.headers["content-disposition"]
    return StreamingResponse(answer.aiter_bytes(), media_type=answer.headers.get("content-type", "text/csv"),
                             headers=headers, background=BackgroundTask(answer.aclose))
