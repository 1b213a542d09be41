"""A caseworker's orders (beställningar) of a case, over the orders service: a new order from a
decision in force (the registry's GET /decisions/{id}) to a provider that offers its intervention
(GET /providers?intervention=), made once per showing of the form (Idempotency-Key); the order's
page (GET /orders/{id}) with its state and history, and what its state allows: send a draft, recall
a sent or opened order with a reason, or redirect it to another provider. Each of these is sent with
the ETag of the order as it was shown (If-Match), so an order the provider answered meanwhile is not
changed: the page says so and shows the order as it is now."""
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request

from services.web import telemetry, texts
from services.web.backends import Answer
from services.web.forms import CASE_ORDER_ACTIONS, OrderActionForm, OrderForm, new_key
from services.web.pages.common import (
    Section,
    SignedIn,
    every_page,
    form_of,
    form_refused_status,
    not_found,
    not_shown,
    post_if_match,
    render,
    see_other,
)

router = APIRouter()

# Details may be 20,000 characters (the orders service's limit): up to 4 bytes each, percent-encoded.
ORDER_FORM_BYTES = 256 * 1024
Done = Annotated[str | None, Query(max_length=40)]
DONE = {"send": "order_sent", "recall": "order_recalled", "redirect": "order_redirected"}
# An order's states from which it can be recalled or redirected (orders/domain/orders.py).
RECALLABLE = ("sent", "opened")


@router.get("/cases/{case_id}/orders/new")
async def new_order_page(request: Request, case_id: UUID, session: SignedIn,
                         decision_id: Annotated[UUID, Query()]):
    form = OrderForm(decision_id=str(decision_id), wanted_start=request.app.state.clock.today().isoformat())
    return await show_new_order(request, case_id, form)


@router.post("/cases/{case_id}/orders")
async def create_order(request: Request, case_id: UUID, session: SignedIn):
    form = OrderForm.posted(await form_of(request, max_bytes=ORDER_FORM_BYTES))
    decision = await _decision(request, form.decision_id)
    if decision.status != 200:
        return not_shown(request, "Beslutet kan inte visas", decision)
    answer = await request.app.state.backends["orders"].post(
        "/orders", session.token, form.request(str(case_id), decision.body["intervention"]),
        request.state.request_id, {"Idempotency-Key": form.key})
    if answer.status in (200, 201):  # 200: the same form posted again, the order it made the first time
        return see_other(f"/orders/{answer.body['id']}?done=order_created")
    form.errors = form.problems(answer.code, answer.body)
    form.key = new_key()  # nothing was made: the form as typed is a new request
    return await show_new_order(request, case_id, form, decision, status_code=form_refused_status(answer))


async def show_new_order(request: Request, case_id: UUID, form: OrderForm, decision: Answer | None = None,
                         status_code: int = 200):
    """The new order's form under the decision it carries out, with the providers that offer the
    decision's intervention."""
    decision = decision or await _decision(request, form.decision_id)
    if decision.status != 200:
        return not_shown(request, "Beslutet kan inte visas", decision)
    if decision.body["case_id"] != str(case_id):
        return not_shown(request, "Beslutet kan inte visas", Answer(404, {"code": "decision_not_found"}))
    providers = await _providers(request, decision.body["intervention"])
    return render(request, "order_new.html", status_code=status_code, decision=decision.body, form=form,
                  providers=providers, trace_id=telemetry.current_trace_id() if form.errors else None)


@router.get("/orders/{order_id}")
async def order_page(request: Request, order_id: UUID, session: SignedIn, done: Done = None):
    return await show_order(request, order_id, done=texts.DONE.get(done or ""))


@router.post("/orders/{order_id}/{action}")
async def change_order(request: Request, order_id: UUID, action: str, session: SignedIn):
    if action not in CASE_ORDER_ACTIONS:
        return not_found(request)
    form = OrderActionForm.posted(action, await form_of(request))
    answer = await post_if_match(request, "orders", f"/orders/{order_id}/{action}", form.request(), form.etag)
    if answer.status in (200, 201):  # a redirect answers the new order, sent to the other provider
        return see_other(f"/orders/{answer.body['id']}?done={DONE[action]}")
    form.errors = form.problems(answer.code, answer.body)
    return await show_order(request, order_id, form=form, status_code=form_refused_status(answer))


async def show_order(request: Request, order_id: UUID, *, form: OrderActionForm | None = None,
                     done: str | None = None, status_code: int = 200):
    """The order as it is now, with the form that was posted (its errors, what was typed) and fresh
    ones for what else its state allows, each with the ETag of this showing."""
    answer = await request.app.state.backends["orders"].get(f"/orders/{order_id}", request.state.session.token,
                                                            request.state.request_id)
    if answer.status != 200:
        return not_shown(request, "Beställningen kan inte visas", answer)
    order, etag = answer.body, answer.etag or ""
    forms = {action: OrderActionForm(action=action, etag=etag) for action in CASE_ORDER_ACTIONS}
    if form is not None:
        form.etag = etag  # what was typed, against the order as it is now
        forms[form.action] = form
    providers = (await _providers(request, order["intervention"]) if order["state"] in RECALLABLE
                 else Section(body={"items": []}))
    return render(request, "order.html", status_code=status_code, order=order, forms=forms, posted=form,
                  providers=providers, recallable=order["state"] in RECALLABLE, done=done,
                  trace_id=telemetry.current_trace_id() if form and form.errors else None)


async def _decision(request: Request, decision_id: str) -> Answer:
    if not decision_id:
        return Answer(404, {"code": "decision_not_found"})
    return await request.app.state.backends["registry"].get(f"/decisions/{decision_id}", request.state.session.token,
                                                            request.state.request_id)


async def _providers(request: Request, intervention: str) -> Section:
    """The providers that offer the intervention, to choose among."""
    return await every_page(request, "orders", "/providers", {"intervention": intervention})
