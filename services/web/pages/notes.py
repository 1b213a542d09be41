"""Writing journal notes, over the journal's POST /cases/{id}/notes. A form that is saved sends the
browser back to the case page (POST, redirect, GET) with a confirmation; one the journal refuses is
shown again with the journal's reason in Swedish beside its field and everything as typed."""
from uuid import UUID

from fastapi import APIRouter, Request

from services.web.backends import Answer
from services.web.forms import NoteForm, new_key, problems
from services.web.pages.cases import show_case
from services.web.pages.common import SignedIn, form_of, see_other

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
