"""Mina sidor: a citizen's own cases, decisions (with their reasons and the decision letter),
orders and their state, and their own signed journal notes without what is withheld from them,
with a form to write their own comment beside a note. Made from the services' citizen routes
(registry's, orders' and journal's GET /me/...), which know the citizen by the personal identity
number of their token: the web shows exactly what those routes answer."""
import asyncio
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.web import telemetry, texts
from services.web.backends import Answer
from services.web.forms import AddendumForm, new_key
from services.web.pages.common import SignedIn, every_page, form_of, render, see_other

router = APIRouter()

# A comment may be as long as a note's text (the journal's limit).
ADDENDUM_FORM_BYTES = 256 * 1024


@router.get("/me")
async def my_pages(request: Request, session: SignedIn, done: Annotated[str | None, Query(max_length=40)] = None):
    cases, decisions, orders, notes = await asyncio.gather(
        every_page(request, "registry", "/me/cases"),
        every_page(request, "registry", "/me/decisions"),
        every_page(request, "orders", "/me/orders"),
        every_page(request, "journal", "/me/notes"))
    refused = all(part.status == 403 for part in (cases, decisions, orders, notes))  # not a citizen
    return render(request, "my_pages.html", status_code=403 if refused else 200, cases=cases, decisions=decisions, orders=orders, notes=notes,
                  done=texts.DONE.get(done or ""))


@router.get("/me/decisions/{decision_id}/letter")
async def my_decision_letter(request: Request, decision_id: UUID, session: SignedIn):
    """The decision letter as the registry makes it (a PDF), passed on as it is."""
    letter = await request.app.state.backends["registry"].document(
        f"/me/decisions/{decision_id}/letter", session.token, request.state.request_id)
    if isinstance(letter, Answer):
        status = letter.status if letter.status in (403, 404, 409) else 502
        return render(request, "error.html", status_code=status, title="Beslutsmeddelandet kan inte visas",
                      message=texts.problem(letter.code), trace_id=telemetry.current_trace_id())
    filename = letter.filename or f"beslut-{decision_id}.pdf"
    return Response(letter.content, media_type=letter.media_type,
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


@router.get("/me/notes/{note_id}/comment")
async def comment_page(request: Request, note_id: UUID, session: SignedIn):
    return await show_comment(request, note_id, AddendumForm())


@router.post("/me/notes/{note_id}/comment")
async def write_comment(request: Request, note_id: UUID, session: SignedIn):
    form = AddendumForm.posted(await form_of(request, max_bytes=ADDENDUM_FORM_BYTES))
    answer = await request.app.state.backends["journal"].post(
        f"/me/notes/{note_id}/addenda", session.token, form.request(), request.state.request_id,
        {"Idempotency-Key": form.key})
    if answer.status in (200, 201):  # 200: the same form posted again, the comment it made the first time
        return see_other(f"/me?done=addendum_written#anteckning-{note_id}")
    form.errors = form.problems(answer.code, answer.body)
    form.key = new_key()  # nothing was made: the form as typed is a new request
    return await show_comment(request, note_id, form,
                              status_code=answer.status if answer.status in (403, 404, 409, 422) else 400)


async def show_comment(request: Request, note_id: UUID, form: AddendumForm, status_code: int = 200):
    """The note as the citizen reads it, and the form for their own comment beside it."""
    note = await request.app.state.backends["journal"].get(f"/me/notes/{note_id}", request.state.session.token,
                                                          request.state.request_id)
    if note.status != 200:
        status = note.status if note.status in (403, 404) else 502
        return render(request, "error.html", status_code=status, title="Anteckningen kan inte visas",
                      message=texts.problem(note.code), trace_id=telemetry.current_trace_id())
    return render(request, "my_comment.html", status_code=status_code, note=note.body, form=form)
