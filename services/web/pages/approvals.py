"""A supervisor's approval (attest) of a decision above its maker's delegation, over the registry's
GET /decisions/{id} and POST /cases/{case_id}/decisions/{id}/approval and /refusal: the decision as
read, with its ETag kept in the forms for If-Match, so that what is approved or refused is exactly
what was shown. Who may approve (the supervisor's delegation, not the decision's maker) is the
registry's to decide; its refusal is said in Swedish."""
from uuid import UUID

from fastapi import APIRouter, Request

from services.web import telemetry, texts
from services.web.forms import ApprovalForm
from services.web.pages.common import SignedIn, form_of, not_found, post_if_match, render, see_other

router = APIRouter()

DONE = {"approval": "decision_approved", "refusal": "decision_refused"}


@router.get("/decisions/{decision_id}/approval")
async def approval_page(request: Request, decision_id: UUID, session: SignedIn):
    return await show_decision(request, decision_id, ApprovalForm(action="approval"))


@router.post("/decisions/{decision_id}/{action}")
async def answer_decision(request: Request, decision_id: UUID, action: str, session: SignedIn):
    if action not in DONE:
        return not_found(request)
    form = ApprovalForm.posted(action, await form_of(request))
    # The case is part of the address: a form without it cannot say what it answers either.
    answer = await post_if_match(request, "registry", f"/cases/{form.case_id}/decisions/{decision_id}/{action}",
                                 form.request(), form.etag if form.case_id else "")
    if answer.status == 200:
        return see_other(f"/cases/{answer.body['case_id']}?done={DONE[action]}#beslut-{decision_id}")
    form.errors = form.problems(answer.code, answer.body)
    return await show_decision(request, decision_id, form,
                               status_code=answer.status if answer.status in (403, 404, 409, 412, 422) else 400)


async def show_decision(request: Request, decision_id: UUID, form: ApprovalForm, status_code: int = 200):
    """The decision as it is now, and the forms to approve or refuse it against this version."""
    answer = await request.app.state.backends["registry"].get(f"/decisions/{decision_id}",
                                                              request.state.session.token, request.state.request_id)
    if answer.status != 200:
        status = answer.status if answer.status in (403, 404, 410) else 502
        return render(request, "error.html", status_code=status, title="Beslutet kan inte visas",
                      message=texts.problem(answer.code), trace_id=telemetry.current_trace_id())
    form.etag, form.case_id = answer.etag or "", answer.body["case_id"]
    return render(request, "decision_approval.html", status_code=status_code, decision=answer.body, form=form,
                  trace_id=telemetry.current_trace_id() if form.errors else None)
