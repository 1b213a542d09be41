"""HTTP routes for the provider's side (utföraren): its inbox, opening, confirming, rejecting,
starting and reporting delivered time. What a provider is shown of an order is the models'
`of` (api/models.py): once recalled, no more than that it was. The provider's read and each of
its answers carry the order's ETag (the same version the municipality's read shows), to send back
in If-Match when confirming, rejecting or starting."""
from uuid import UUID

from fastapi import Response

from services.orders.api.models import DeliveryIn, DeliveryOut, InboxItem, ProviderOrderOut, RejectIn, StartIn
from services.orders.usecases import provider_orders
from shared.access import Grant
from shared.access.routes import allow
from shared.api import IfMatch, PageDep, RequiredIdempotencyKey, UnitOfWorkDep
from shared.etag import etag, etag_header
from shared.openapi import service_router
from shared.pagination import Page

router = service_router(prefix="/provider/orders", tags=["provider"])

Reader = allow("orders:provider_order.read")
Answerer = allow("orders:provider_order.answer")
ETAG = etag_header("The order's version: send it back in If-Match to confirm, reject or start exactly what you read")


def tagged(order, response: Response) -> ProviderOrderOut:
    """The order as the provider is shown it, with its ETag."""
    response.headers["ETag"] = etag(order["revision"])
    return ProviderOrderOut.of(order)


@router.get("", response_model=Page[InboxItem], summary="The provider's inbox: unopened first, then newest first")
async def inbox(uow: UnitOfWorkDep, page: PageDep, user: Grant = Reader) -> Page[InboxItem]:
    """The orders sent to the provider of the caller's token: those not yet opened first, then
    the newest sent first. A recalled order the provider never opened is not shown, and one it
    had opened shows only that it was recalled. Provider users only."""
    found = await provider_orders.inbox(uow, user, limit=page.limit, cursor=page.cursor)
    return Page[InboxItem](items=[InboxItem.of(r) for r in found.items], next_cursor=found.next_cursor)


@router.get("/{order_id}", response_model=ProviderOrderOut,
            responses={200: {"description": "The order as the provider sees it", "headers": ETAG}},
            summary="Read an order; the first read marks it opened (order.opened)")
async def open_order(order_id: UUID, response: Response, uow: UnitOfWorkDep, user: Grant = Reader) -> ProviderOrderOut:
    """The order as the provider sees it: the person, the intervention, the details, the
    decision's validity and the digest of what the caseworker signed. The first read of a sent
    order marks it opened and publishes `order.opened`. Provider users, for their own provider's
    orders; 404 `order_not_found` for any other order, a draft, or one recalled before it was
    opened. Its ETag (after the opening) is the version to send in If-Match."""
    return tagged(await provider_orders.open_order(uow, user, order_id), response)


@router.post("/{order_id}/confirm", response_model=ProviderOrderOut,
             responses={200: {"description": "The order as confirmed", "headers": ETAG}},
             summary="Confirm (bekräfta) an opened order; from now on it cannot be recalled")
async def confirm_order(order_id: UUID, response: Response, uow: UnitOfWorkDep, if_match: IfMatch = None,
                        user: Grant = Answerer) -> ProviderOrderOut:
    """Confirms (bekräftar) an opened order and publishes `order.confirmed`; from now on the
    municipality cannot recall it. The order must have been read first: 409
    `illegal_transition` for one not opened, or in any other state; 412 `etag_mismatch` with an
    If-Match that is not current (the municipality recalled it meanwhile). Provider users, for
    their own provider's orders; 404 `order_not_found`."""
    return tagged(await provider_orders.confirm_order(uow, user, order_id, if_match=if_match), response)


@router.post("/{order_id}/reject", response_model=ProviderOrderOut,
             responses={200: {"description": "The order as rejected", "headers": ETAG}},
             summary="Reject (avvisa) an opened order")
async def reject_order(order_id: UUID, body: RejectIn, response: Response, uow: UnitOfWorkDep,
                       if_match: IfMatch = None, user: Grant = Answerer) -> ProviderOrderOut:
    """Rejects (avvisar) an opened order with a reason and publishes `order.rejected`; the
    municipality may then order from another provider. 409 `illegal_transition` for
    an order that is not opened; 412 `etag_mismatch` with an If-Match that is not current.
    Provider users, for their own provider's orders; 404 `order_not_found`."""
    return tagged(await provider_orders.reject_order(uow, user, order_id, reason=body.reason, if_match=if_match),
                  response)


@router.post("/{order_id}/start", response_model=ProviderOrderOut,
             responses={200: {"description": "The order as started", "headers": ETAG}},
             summary="Report that the intervention has started (verkställd) on a date")
async def start_order(order_id: UUID, body: StartIn, response: Response, uow: UnitOfWorkDep,
                      if_match: IfMatch = None, user: Grant = Answerer) -> ProviderOrderOut:
    """Reports that the intervention began on `started_on`: the decision is carried out
    (verkställt), and `order.started` is published. Only a confirmed order (409
    `illegal_transition`); the date must be within the decision's validity (409
    `outside_decision_validity`) and not in the future (422 `date_in_future`), on an open case;
    412 `etag_mismatch` with an If-Match that is not current. Provider users, for their own
    provider's orders; 404 `order_not_found`."""
    return tagged(await provider_orders.start_order(uow, user, order_id, started_on=body.started_on,
                                                    if_match=if_match), response)


@router.post("/{order_id}/deliveries", status_code=201, response_model=DeliveryOut,
             responses={200: {"description": "A retry: the report this Idempotency-Key made before"}},
             summary="Report delivered minutes or units on a day (återrapportering)",
             description="Reports the minutes or units delivered on one day of a started order, the basis of"
                         " the provider's reimbursement, and publishes `delivery.reported`. An Idempotency-Key"
                         " is required: a retry with the same key answers 200 and is not counted twice. At most"
                         " 1 440 minutes (and 1 000 units) per order and day, all reports together (409"
                         " `delivery_exceeds_day`). Provider users, for their own provider's orders. 409"
                         " `illegal_transition` for an order not started, `before_start`,"
                         " `outside_decision_validity`, `no_price` for a measure the intervention is not priced"
                         " in, `case_closed`; 422 `date_in_future`; 404 `order_not_found`.")
async def report_delivery(order_id: UUID, body: DeliveryIn, response: Response, uow: UnitOfWorkDep, *,
                          user: Grant = Answerer, idempotency_key: RequiredIdempotencyKey) -> DeliveryOut:
    delivery, created = await provider_orders.report_delivery(
        uow, user, order_id, delivered_on=body.delivered_on, measure=body.measure, quantity=body.quantity,
        idempotency_key=idempotency_key)
    if not created:
        response.status_code = 200
    return DeliveryOut.of(delivery)
