"""A case handed over to another responsible caseworker (byt handläggare), over the registry's
GET /cases/{id}, its staff directory (GET /staff?unit=) and POST /cases/{id}/reassignment: the
new caseworker is chosen among the members of the case's unit active today, with a reason that the
registry keeps, and the case's ETag as shown goes in If-Match, so that a case someone else handed
over meanwhile is not handed over again unseen. Who may (a supervisor of the unit, or the
responsible caseworker) is the registry's to decide; its refusal is said in Swedish."""
from datetime import date
from uuid import UUID

from fastapi import APIRouter, Request

from services.web import telemetry, texts
from services.web.forms import ReassignmentForm
from services.web.pages.common import SignedIn, every_page, form_of, post_if_match, render, see_other

router = APIRouter()


@router.get("/cases/{case_id}/reassign")
async def reassignment_page(request: Request, case_id: UUID, session: SignedIn):
    return await show_reassignment(request, case_id, ReassignmentForm())


@router.post("/cases/{case_id}/reassign")
async def reassign(request: Request, case_id: UUID, session: SignedIn):
    form = ReassignmentForm.posted(await form_of(request))
    answer = await post_if_match(request, "registry", f"/cases/{case_id}/reassignment", form.request(), form.etag)
    if answer.status == 200:
        return see_other(f"/cases/{case_id}?done=case_reassigned")
    form.errors = form.problems(answer.code, answer.body)
    return await show_reassignment(request, case_id, form,
                                   status_code=answer.status if answer.status in (403, 404, 409, 412, 422) else 400)


def active_on(member: dict, day: date) -> bool:
    """Whether a member of the staff directory is in service on `day`."""
    return (date.fromisoformat(member["active_from"]) <= day
            and (member["active_to"] is None or day <= date.fromisoformat(member["active_to"])))


async def show_reassignment(request: Request, case_id: UUID, form: ReassignmentForm, status_code: int = 200):
    """The case as it is now, and the form to hand it over against this version: the text as typed
    is kept, the ETag is the case's now."""
    answer = await request.app.state.backends["registry"].get(f"/cases/{case_id}", request.state.session.token,
                                                              request.state.request_id)
    if answer.status != 200:
        status = answer.status if answer.status in (403, 404, 410) else 502
        return render(request, "error.html", status_code=status, title="Ärendet kan inte visas",
                      message=texts.problem(answer.code), trace_id=telemetry.current_trace_id())
    case = answer.body
    form.etag = answer.etag or ""
    staff = await every_page(request, "registry", "/staff", {"unit": case["unit"]})
    today = request.app.state.clock.today()
    candidates = [m for m in staff.body["items"] if active_on(m, today) and m["subject"] != case["caseworker"]] \
        if staff.body else []
    return render(request, "case_reassignment.html", status_code=status_code, case=case, staff=staff,
                  candidates=candidates, form=form, trace_id=telemetry.current_trace_id() if form.errors else None)
