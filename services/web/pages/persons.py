"""Person search by personal identity number, over the registry's POST /persons/search, registering
a person a search did not find (POST /persons), and the person's page with the form to open a case
about them (POST /cases). The number is posted, never put in a URL (as the registry asks: URLs end
up in logs)."""
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request

from services.web import telemetry, texts
from services.web.forms import CaseForm, PersonForm, new_key
from services.web.pages.common import SignedIn, form_of, form_refused_status, not_shown, render, see_other
from services.web.sessions import Session

router = APIRouter()

MAX_PIN_LENGTH = 40  # what the registry takes; a longer input is an invalid number too


@router.get("/persons/search")
async def search_page(request: Request, session: SignedIn):
    return render(request, "person_search.html", pin="")


@router.post("/persons/search")
async def search(request: Request, session: SignedIn):
    fields = await form_of(request)
    pin = fields.get("pin", "").strip()
    if not pin:
        return render(request, "person_search.html", status_code=422, pin=pin,
                      error="Skriv ett personnummer att söka på.")
    if len(pin) > MAX_PIN_LENGTH:
        return render(request, "person_search.html", status_code=422, pin=pin[:MAX_PIN_LENGTH],
                      error=texts.PROBLEMS["invalid_personal_identity_number"])
    answer = await request.app.state.backends["registry"].post(
        "/persons/search", session.token, {"pin": pin}, request.state.request_id)
    if answer.status == 422:
        # The registry's one validator judged the number (its code, or the request's own check of
        # the field): either way the number is invalid, never "no one found".
        return render(request, "person_search.html", status_code=422, pin=pin,
                      error=texts.PROBLEMS["invalid_personal_identity_number"])
    if answer.status == 403:
        return render(request, "person_search.html", status_code=403, pin=pin, error=texts.PROBLEMS["forbidden"])
    if answer.status != 200:
        return render(request, "error.html", status_code=502, title="Sökningen misslyckades",
                      message="Socialregistret gav ett oväntat svar. Försök igen om en stund.")
    return render(request, "person_search.html", pin=pin, result=answer.body)


# Registering a person (registrera person), over the registry's POST /persons. The number comes
# from a search that found no one, posted (never in a URL). The registry takes no Idempotency-Key
# here: posted twice, the second finds the number registered (409 person_exists), which is said
# with a link to the person, so a double post makes one person.

@router.get("/persons/new")
async def new_person_page(request: Request, session: SignedIn):
    return render(request, "person_new.html", form=PersonForm())


@router.post("/persons/new")
async def new_person_for(request: Request, session: SignedIn):
    """The form with the number of a search that found no one; nothing is written."""
    fields = await form_of(request)
    return render(request, "person_new.html", form=PersonForm(pin=fields.get("pin", "").strip()[:MAX_PIN_LENGTH]))


@router.post("/persons")
async def register_person(request: Request, session: SignedIn):
    form = PersonForm.posted(await form_of(request))
    registry = request.app.state.backends["registry"]
    answer = await registry.post("/persons", session.token, form.request(), request.state.request_id)
    if answer.status == 201:
        return see_other(f"/persons/{answer.body['id']}?done=person_registered")
    form.errors = form.problems(answer.code, answer.body)
    existing = None
    if answer.code == "person_exists":
        found = await registry.post("/persons/search", session.token, {"pin": form.pin}, request.state.request_id)
        if found.status == 200 and found.body["found"]:
            existing = found.body["items"][0]
    return render(request, "person_new.html", status_code=form_refused_status(answer), form=form, existing=existing,
                  trace_id=telemetry.current_trace_id())


@router.get("/persons/{person_id}")
async def person_page(request: Request, person_id: UUID, session: SignedIn,
                      done: Annotated[str | None, Query(max_length=40)] = None):
    return await show_person(request, person_id, session, done=texts.DONE.get(done or ""))


@router.post("/persons/{person_id}/cases")
async def open_case(request: Request, person_id: UUID, session: SignedIn):
    form = CaseForm.posted(await form_of(request))
    answer = await request.app.state.backends["registry"].post(
        "/cases", session.token, form.request(str(person_id)), request.state.request_id,
        {"Idempotency-Key": form.key})
    if answer.status in (200, 201):  # 200: the same form posted again, the case it opened the first time
        return see_other(f"/cases/{answer.body['id']}?done=case_opened")
    form.errors = form.problems(answer.code, answer.body)
    form.key = new_key()  # nothing was made: the form as typed is a new request
    return await show_person(request, person_id, session, case_form=form, status_code=form_refused_status(answer))


async def show_person(request: Request, person_id: UUID, session: Session, *, case_form: CaseForm | None = None,
                      done: str | None = None, status_code: int = 200):
    """The person as the registry has them, with the form to open a case about them."""
    answer = await request.app.state.backends["registry"].get(f"/persons/{person_id}", session.token,
                                                              request.state.request_id)
    if answer.status != 200:
        return not_shown(request, "Personen kan inte visas", answer)
    case_form = case_form or CaseForm(unit=session.user.unit or "")
    return render(request, "person.html", status_code=status_code, person=answer.body, form=case_form, done=done,
                  trace_id=telemetry.current_trace_id() if case_form.errors else None)
