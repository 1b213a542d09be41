"""HTTP routes for the municipality's side of orders: create, change, send, recall, redirect, read."""
from uuid import UUID

from fastapi import Response

from services.orders.api.models import OrderChange, OrderIn, OrderOut, OrderSummary, RecallIn, RedirectIn
from services.orders.usecases import orders
from shared.access import Grant
from shared.access.routes import allow
from shared.api import IdempotencyKey, IfMatch, PageDep, UnitOfWorkDep
from shared.etag import etag, etag_header
from shared.openapi import service_router
from shared.pagination import Page

router = service_router(prefix="/orders", tags=["orders"])
persons_router = service_router(prefix="/persons", tags=["orders"])

Writer = allow("orders:order.write")
Reader = allow("orders:order.read")
ETAG = etag_header("The order's version: send it back in If-Match to change, send or recall"
                   " exactly what you read")


def tagged(order, response: Response) -> OrderOut:
    """The order as answered, with its ETag."""
    response.headers["ETag"] = etag(order["revision"])
    return OrderOut.of(order)


@router.post("", status_code=201, response_model=OrderOut,
             responses={200: {"description": "A retry: the order this Idempotency-Key made before", "headers": ETAG},
                        201: {"description": "The draft", "headers": ETAG}},
             summary="Create a draft order (beställning) against a decision")
async def create_order(body: OrderIn, response: Response, uow: UnitOfWorkDep, idempotency_key: IdempotencyKey = None,
                       user: Grant = Writer) -> OrderOut:
    """Creates a draft order to a provider for an intervention granted by a decision in the case;
    nothing is sent until POST /orders/{order_id}/send. With an Idempotency-Key, a retry answers
    200 with the order the key made. Caseworkers and supervisors of the decision's unit. 409 when
    the decision does not allow it (`decision_not_known`, `decision_of_other_case`,
    `decision_rejected`, `decision_not_in_force`, `decision_lapsed`, `intervention_not_decided`)
    or the provider does not offer the intervention (`provider_does_not_offer`); 422
    `unknown_provider`, `intervention_not_ordered` for an intervention not ordered from a
    provider."""
    order, created = await orders.create_order(uow, user, **body.model_dump(), idempotency_key=idempotency_key)
    if not created:
        response.status_code = 200
    return tagged(order, response)


@router.patch("/{order_id}", response_model=OrderOut, responses={200: {"description": "The draft", "headers": ETAG}},
              summary="Change a draft: another provider, the details or the wanted start")
async def change_order(order_id: UUID, body: OrderChange, response: Response, uow: UnitOfWorkDep,
                       if_match: IfMatch = None, user: Grant = Writer) -> OrderOut:
    """Changes a draft's provider, details or wanted start; what is left out stays, and the change
    is in the history. Only a draft can be changed (409 `illegal_transition` otherwise). With
    If-Match, only the version read (412 `etag_mismatch`). Caseworkers and supervisors of the
    order's unit; 404 `order_not_found`."""
    return tagged(await orders.change_order(uow, user, order_id, **body.model_dump(), if_match=if_match), response)


@router.post("/{order_id}/send", response_model=OrderOut,
             responses={200: {"description": "The order as sent", "headers": ETAG}},
             summary="Sign and send a draft to its provider")
async def send_order(order_id: UUID, response: Response, uow: UnitOfWorkDep, if_match: IfMatch = None,
                     user: Grant = Writer) -> OrderOut:
    """Signs a draft (a digest of its content, `content_digest`) and sends it to its provider:
    the state becomes `sent`, `order.sent` is published and notify tells the provider by e-mail
    and webhook. The case and decision must still allow the order (409 as when creating it; 409
    `illegal_transition` for an order that is not a draft). With If-Match, what is signed is
    exactly the version read: a draft changed meanwhile is 412 `etag_mismatch`; 409 `order_busy`
    when the order changed three times while it was being sent. Caseworkers and supervisors of the
    order's unit; 404 `order_not_found`."""
    return tagged(await orders.send_order(uow, user, order_id, if_match=if_match), response)


@router.post("/{order_id}/recall", response_model=OrderOut,
             responses={200: {"description": "The order as recalled", "headers": ETAG}},
             summary="Recall (återkalla) an order the provider has not confirmed")
async def recall_order(order_id: UUID, body: RecallIn, response: Response, uow: UnitOfWorkDep,
                       if_match: IfMatch = None, user: Grant = Writer) -> OrderOut:
    """Recalls (återkallar) a sent or opened order, with a reason, before the provider confirms
    it, and publishes `order.recalled`; a provider that had opened it is told. 409
    `illegal_transition` for an order in another state (a confirmed order cannot be recalled);
    412 `etag_mismatch` with an If-Match that is not current; 409 `order_busy` as for a send.
    Caseworkers and supervisors of the order's unit; 404 `order_not_found`."""
    return tagged(await orders.recall_order(uow, user, order_id, reason=body.reason, if_match=if_match), response)


@router.post("/{order_id}/redirect", status_code=201, response_model=OrderOut,
             responses={201: {"description": "The new order, sent", "headers": ETAG}},
             summary="Recall an order and send it to the right provider, in one step; returns the new order")
async def redirect_order(order_id: UUID, body: RedirectIn, response: Response, uow: UnitOfWorkDep,
                         if_match: IfMatch = None, user: Grant = Writer) -> OrderOut:
    """Recalls a sent or opened order and sends a copy of it to another provider, in one step and
    with one reason; answers the new order, which names the old one in `replaces_order_id`.
    If-Match names the version of the order recalled; the ETag answered is the new order's.
    Caseworkers and supervisors of the order's unit. 422 `same_provider` for the provider it
    already went to, `unknown_provider`; 409 `illegal_transition`, `provider_does_not_offer`, or
    when the decision no longer allows the order; 404 `order_not_found`."""
    return tagged(await orders.redirect_order(uow, user, order_id, provider_id=body.provider_id,
                                              reason=body.reason, if_match=if_match), response)


@router.get("/{order_id}", response_model=OrderOut, responses={200: {"description": "The order", "headers": ETAG}},
            summary="An order with its full history")
async def get_order(order_id: UUID, response: Response, uow: UnitOfWorkDep, user: Grant = Reader) -> OrderOut:
    """The order with its full history (who did what, when and why) and the totals of the time
    reported delivered; its ETag is the version to send in If-Match. A caseworker reads the
    orders of their unit, a supervisor those of every unit; the read is in the access log. 404
    `order_not_found`, also for an order the caller may not see."""
    return tagged(await orders.get_order(uow, user, order_id), response)


@router.get("", response_model=Page[OrderSummary], summary="A case's orders, oldest first")
async def case_orders(case_id: UUID, uow: UnitOfWorkDep, page: PageDep, user: Grant = Reader) -> Page[OrderSummary]:
    """The orders of the case named by the `case_id` query parameter, oldest first, each in
    short: state, provider, intervention and what it replaced or was replaced by. A caseworker
    reads their unit's cases, a supervisor every unit's; the read is in the access log."""
    found = await orders.case_orders(uow, user, case_id, limit=page.limit, cursor=page.cursor)
    return Page[OrderSummary](items=[OrderSummary.of(r) for r in found.items], next_cursor=found.next_cursor)


@persons_router.get("/{person_id}/orders", response_model=Page[OrderSummary],
                    summary="A person's orders in every case of theirs in your scope, oldest first")
async def person_orders(person_id: UUID, uow: UnitOfWorkDep, page: PageDep, user: Grant = Reader) -> Page[OrderSummary]:
    """The person's orders in every case of theirs the caller may see, oldest first, in short. A
    caseworker sees the orders of their own unit's cases, a supervisor those of every unit;
    removed cases are left out. The read is in the access log."""
    found = await orders.person_orders(uow, user, person_id, limit=page.limit, cursor=page.cursor)
    return Page[OrderSummary](items=[OrderSummary.of(r) for r in found.items], next_cursor=found.next_cursor)
