"""Writing and correcting journal notes, over the journal's POST /cases/{id}/notes and POST
/notes/{id}/corrections. A form that is saved sends the browser back to the case page (POST,
redirect, GET) with a confirmation; one the journal refuses is shown again with the journal's
reason in Swedish beside its field and everything as typed."""
from uuid import UUID

from fastapi import APIRouter, Request

from services.web import telemetry, texts
from services.web.backends import Answer
from services.web.forms import CorrectionForm, NoteForm, new_key, problems
from services.web.pages.cases import show_case
from services.web.pages.common import SignedIn, form_of, render, see_other

router = APIRouter()

# A note's text may be 20,000 characters (the journal's limit): up to 4 bytes each in UTF-8, and
# three times that when percent-encoded in the form.
NOTE_FORM_BYTES = 256 * 1024


async def _post(request: Request, path: str, body: dict, headers: dict[str, str]) -> Answer:
    return await request.app.state.backends["journal"].post(path, request.state.session.token, body,
                                                            request.state.request_id, headers)


@router.post("/cases/{case_id}/notes")
async def write_note(request: Request, case_id: UUID, session: SignedIn):
    form = NoteForm.posted(await form_of(request, max_bytes=NOTE_FORM_BYTES))
    answer = await _post(request, f"/cases/{case_id}/notes", form.request(), {"Idempotency-Key": form.key})
    if answer.status in (200, 201):  # 200: the same form posted again, the note it made the first time
        return see_other(f"/cases/{case_id}?done=note_written#anteckning-{answer.body['id']}")
    form.errors = problems(answer.code, answer.body)
    form.key = new_key()  # nothing was made: the form as typed is a new request
    return await show_case(request, case_id, session, note_form=form,
                           status_code=answer.status if answer.status in (403, 409, 410, 422) else 400)


@router.get("/notes/{note_id}/correction")
async def correction_page(request: Request, note_id: UUID, session: SignedIn):
    note = await _read_note(request, note_id)
    if note.status != 200:
        return _note_not_shown(request, note)
    form = CorrectionForm(text=note.body["versions"][0]["text"], reason="", version=note.body["current_version"],
                          etag=note.etag or "")
    return render(request, "note_correction.html", note=note.body, form=form)


@router.post("/notes/{note_id}/correction")
async def correct_note(request: Request, note_id: UUID, session: SignedIn):
    form = CorrectionForm.posted(await form_of(request, max_bytes=NOTE_FORM_BYTES))
    if form.etag:
        answer = await _post(request, f"/notes/{note_id}/corrections", form.request(), {"If-Match": form.etag})
    else:  # a form without the ETag it was shown with cannot say which note it corrects: as if it changed
        answer = Answer(412, {"code": "etag_mismatch"})
    if answer.status == 201:
        return see_other(f"/cases/{answer.body['case_id']}?done=note_corrected#anteckning-{note_id}")
    form.errors = problems(answer.code, answer.body)
    note = await _read_note(request, note_id)
    if note.status != 200:
        return _note_not_shown(request, note)
    if answer.code in ("etag_mismatch", "version_conflict"):
        # Someone else changed the note: the page shows it as it is now, and the form, still with
        # the text as typed, corrects that version if it is sent again.
        form.version, form.etag = note.body["current_version"], note.etag or ""
    return render(request, "note_correction.html", status_code=answer.status, note=note.body, form=form)


async def _read_note(request: Request, note_id: UUID) -> Answer:
    return await request.app.state.backends["journal"].get(f"/notes/{note_id}", request.state.session.token,
                                                          request.state.request_id)


def _note_not_shown(request: Request, answer: Answer):
    _, message = texts.FORM_PROBLEMS.get(answer.code, (None, texts.problem(answer.code)))
    return render(request, "error.html", status_code=answer.status if answer.status in (403, 404, 410) else 502,
                  title="Anteckningen kan inte visas", message=message, trace_id=telemetry.current_trace_id())
