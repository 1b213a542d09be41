"""The case page (ärendet): the case and its history as one timeline, made from the registry's case,
the inquiries that led to it, its investigations and decisions, the journal's notes and the orders
of the case."""
import asyncio
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request

from services.web import telemetry, texts, timeline
from services.web.forms import NoteForm
from services.web.pages.common import (
    LIST_PAGE_SIZE,
    Section,
    SignedIn,
    every_page,
    form_of,
    form_refused_status,
    render,
    section,
    see_other,
)
from services.web.sessions import Session

router = APIRouter()


@router.get("/cases/{case_id}")
async def case_page(request: Request, case_id: UUID, session: SignedIn,
                    done: Annotated[str | None, Query(max_length=40)] = None):
    return await show_case(request, case_id, session, done=texts.DONE.get(done or ""))


@router.post("/cases/{case_id}/investigations")
async def start_investigation(request: Request, case_id: UUID, session: SignedIn):
    """Starts an investigation (inleder utredning) of the case today, over the registry's POST
    /cases/{id}/investigations. Posted twice, the second finds the first ongoing (409
    investigation_ongoing) and starts nothing: the case page says so."""
    await form_of(request)
    answer = await request.app.state.backends["registry"].post(
        f"/cases/{case_id}/investigations", session.token, {}, request.state.request_id)
    if answer.status == 201:
        return see_other(f"/cases/{case_id}?done=investigation_started")
    problem = texts.INVESTIGATION_PROBLEMS.get(answer.code) or texts.problem(answer.code)
    return await show_case(request, case_id, session, problem=problem, status_code=form_refused_status(answer))


async def show_case(request: Request, case_id: UUID, session: Session, *, note_form: NoteForm | None = None,
                    done: str | None = None, problem: str | None = None, status_code: int = 200):
    """The case page; with the note form as posted (its errors, the text as typed) or a new one,
    what was just done (a confirmation after a redirect) or why what was posted was refused."""
    answer = await request.app.state.backends["registry"].get(
        f"/cases/{case_id}/record", session.token, request.state.request_id, params={"limit": LIST_PAGE_SIZE})
    if answer.status != 200:  # with what was refused, when something was posted
        status = answer.status if answer.status in (403, 404, 410) else 502
        return render(request, "error.html", status_code=status, title="Ärendet kan inte visas",
                      message=problem or texts.problem(answer.code), trace_id=telemetry.current_trace_id())
    # The case with its person, inquiries, investigations and decisions in one read; a list longer
    # than its first page goes on through its own route.
    record = answer.body
    case = record["case"]
    person = Section(body=record["person"]) if record["person"] is not None else \
        Section(problem=texts.problem("forbidden"), status=403) if case["person_id"] else Section()
    inquiries, investigations, decisions, notes, orders = await asyncio.gather(
        every_page(request, "registry", f"/cases/{case_id}/inquiries", first=record["inquiries"]),
        every_page(request, "registry", f"/cases/{case_id}/investigations", first=record["investigations"]),
        every_page(request, "registry", f"/cases/{case_id}/decisions", first=record["decisions"]),
        every_page(request, "journal", f"/cases/{case_id}/notes"),
        every_page(request, "orders", "/orders", {"case_id": str(case_id)}))
    parts = {"investigations": investigations, "decisions": decisions, "notes": notes, "orders": orders,
             "inquiries": inquiries}
    entries = timeline.build(case, **{name: p.body["items"] if p.body else [] for name, p in parts.items()})
    missing = [p for p in parts.values() if p.body is None]
    more = any(p.body and p.body["more"] for p in parts.values())
    note_form = note_form or NoteForm.new(request.app.state.clock.today())
    # While the investigations cannot be read, no investigation is offered to start.
    investigating = investigations.body is None or any(not i.get("completed_on")
                                                       for i in investigations.body["items"])
    return render(request, "case.html", status_code=status_code, case=case, person=person, entries=entries,
                  missing=missing, more=more, note_form=note_form, done=done, problem=problem,
                  investigating=investigating, trace_id=telemetry.current_trace_id() if problem else None)

