"""Making a decision (fatta beslut) on a case, over the registry's GET /interventions (the
catalogue) and POST /cases/{id}/decisions: the intervention, outcome, reasons, legal basis, scope,
period and how the basis was communicated. The decision rests on the case's ongoing investigation,
which it completes; the form is made once per showing (Idempotency-Key), so posted twice it makes
one decision. A decision above the maker's delegation is saved waiting for approval, and the
case page says so. What the registry refuses is shown again in Swedish beside its field, with
everything as typed."""
import asyncio
from uuid import UUID

from fastapi import APIRouter, Request

from services.web.forms import DecisionForm
from services.web.pages.common import (
    SignedIn,
    every_page,
    form_of,
    form_refused_status,
    not_shown,
    render,
    section,
    see_other,
)

router = APIRouter()

# Reasons may be 20,000 characters (the registry's limit): up to 4 bytes each, percent-encoded.
DECISION_FORM_BYTES = 256 * 1024


@router.get("/cases/{case_id}/decision")
async def decision_page(request: Request, case_id: UUID, session: SignedIn):
    return await show_form(request, case_id, DecisionForm.new(request.app.state.clock.today()))


@router.post("/cases/{case_id}/decision")
async def make_decision(request: Request, case_id: UUID, session: SignedIn):
    form = DecisionForm.posted(await form_of(request, max_bytes=DECISION_FORM_BYTES))
    answer = await request.app.state.backends["registry"].post(
        f"/cases/{case_id}/decisions", session.token, form.request(), request.state.request_id,
        {"Idempotency-Key": form.key})
    if answer.status in (200, 201):   # 200: the form posted again, the decision its first post made
        done = "decision_made" if answer.body["status"] == "in_force" else "decision_awaiting_approval"
        return see_other(f"/cases/{case_id}?done={done}#beslut-{answer.body['id']}")
    form.errors = form.problems(answer.code, answer.body)
    return await show_form(request, case_id, form, status_code=form_refused_status(answer))


async def show_form(request: Request, case_id: UUID, form: DecisionForm, status_code: int = 200):
    """The form (new, or as posted with its errors) under the case it decides on, with the
    intervention catalogue and the investigation it rests on."""
    registry = request.app.state.backends["registry"]
    case, catalogue, investigations = await asyncio.gather(
        registry.get(f"/cases/{case_id}", request.state.session.token, request.state.request_id),
        section(request, "registry", "/interventions"),
        every_page(request, "registry", f"/cases/{case_id}/investigations"))
    if case.status != 200:
        return not_shown(request, "Ärendet kan inte visas", case)
    ongoing = next((i for i in (investigations.body or {}).get("items", []) if not i.get("completed_on")), None)
    return render(request, "decision_form.html", status_code=status_code, case=case.body, form=form,
                  catalogue=catalogue, investigations=investigations, ongoing=ongoing)
