"""The provider's screens (utföraren), over the orders service's provider API (/provider/orders):
the inbox of the provider's own orders, an order as the provider is shown it (the first read marks
it opened), and the answers to it: confirm, reject with a reason, start on a day, report delivered
time. Each answer is sent with the ETag of the order as it was shown (If-Match), so an order the
municipality recalled meanwhile is not answered; a recalled order is shown as recalled, with no
actions. The provider sees exactly what the orders service shows it, never more."""
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request

from services.web import telemetry, texts
from services.web.forms import ORDER_ACTIONS, OrderAnswerForm
from services.web.pages.common import SignedIn, form_of, not_found, post_if_match, render, section, see_other

router = APIRouter()

PAGE_SIZE = 20
Cursor = Annotated[str | None, Query(max_length=500)]
Done = Annotated[str | None, Query(max_length=40)]
# What each answer is said to have done, on the order's page after the redirect.
DONE = {"confirm": "order_confirmed", "reject": "order_rejected", "start": "order_started",
        "deliveries": "delivery_reported"}


@router.get("/provider/orders")
async def inbox(request: Request, session: SignedIn, cursor: Cursor = None):
    orders = await section(request, "orders", "/provider/orders", {"limit": PAGE_SIZE, "cursor": cursor})
    return render(request, "provider_inbox.html", status_code=403 if orders.status == 403 else 200, orders=orders,
                  cursor=cursor)


@router.get("/provider/orders/{order_id}")
async def order_page(request: Request, order_id: UUID, session: SignedIn, done: Done = None):
    return await show_order(request, order_id, done=texts.DONE.get(done or ""))


@router.post("/provider/orders/{order_id}/{action}")
async def answer_order(request: Request, order_id: UUID, action: str, session: SignedIn):
    if action not in ORDER_ACTIONS:
        return not_found(request)
    form = OrderAnswerForm.posted(action, await form_of(request))
    path = f"/provider/orders/{order_id}/{action}"
    if action == "deliveries":  # makes something: once per showing of the form
        answer = await request.app.state.backends["orders"].post(path, session.token, form.request(),
                                                                 request.state.request_id,
                                                                 {"Idempotency-Key": form.key})
    else:
        answer = await post_if_match(request, "orders", path, form.request(), form.etag)
    if answer.status in (200, 201):
        return see_other(f"/provider/orders/{order_id}?done={DONE[action]}")
    form.errors = form.problems(answer.code, answer.body)
    return await show_order(request, order_id, form=form,
                            status_code=answer.status if answer.status in (403, 404, 409, 412, 422) else 400)


async def show_order(request: Request, order_id: UUID, *, form: OrderAnswerForm | None = None,
                     done: str | None = None, status_code: int = 200):
    """The order as the provider is shown it now, with the form that was posted (its errors, what
    was typed) and fresh ones for the other answers, each with the ETag of this showing."""
    answer = await request.app.state.backends["orders"].get(f"/provider/orders/{order_id}",
                                                            request.state.session.token, request.state.request_id)
    if answer.status != 200:
        status = answer.status if answer.status in (403, 404) else 502
        return render(request, "error.html", status_code=status, title="Beställningen kan inte visas",
                      message=texts.problem(answer.code), trace_id=telemetry.current_trace_id())
    etag = answer.etag or ""
    forms = {action: OrderAnswerForm(action=action, etag=etag) for action in ORDER_ACTIONS}
    if form is not None:
        form.etag = etag  # what was typed, against the order as it is now
        forms[form.action] = form
    forms["start"].started_on = forms["start"].started_on or request.app.state.clock.today().isoformat()
    forms["deliveries"].delivered_on = (forms["deliveries"].delivered_on
                                        or request.app.state.clock.today().isoformat())
    return render(request, "provider_order.html", status_code=status_code, order=answer.body, forms=forms,
                  posted=form, done=done, trace_id=telemetry.current_trace_id() if form else None)
