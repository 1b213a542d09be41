"""Person search by personal identity number, over the registry's POST /persons/search. The number
is posted, never put in a URL (as the registry asks: URLs end up in logs)."""
from fastapi import APIRouter, Request

from services.web import texts
from services.web.pages.common import SignedIn, form_of, render

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
