"""HTTP routes for the provider's side (utföraren): its inbox, opening, confirming, rejecting,
starting and reporting delivered time. What a provider is shown of an order is the models'
`of` (api/models.py): once recalled, no more than that it was."""
from uuid import UUID

from fastapi import APIRouter, Response

from services.orders.api.models import DeliveryIn, DeliveryOut, InboxItem, ProviderOrderOut, RejectIn, StartIn
from services.orders.usecases import provider_orders
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, RequiredIdempotencyKey, UnitOfWorkDep
from shared.pagination import Page

router = APIRouter(prefix="/provider/orders", tags=["provider"])

Reader = allow("orders:provider_order.read")
Answerer = allow("orders:provider_order.answer")


@router.get("", response_model=Page[InboxItem], summary="The provider's inbox: unopened first, then newest first")
async def inbox(uow: UnitOfWorkDep, page: PageDep, user: Grant = Reader) -> Page[InboxItem]:
    found = await provider_orders.inbox(uow, user, limit=page.limit, cursor=page.cursor)
    return Page[InboxItem](items=[InboxItem.of(r) for r in found.items], next_cursor=found.next_cursor)


@router.get("/{order_id}", response_model=ProviderOrderOut,
            summary="Read an order; the first read marks it opened (order.opened)")
async def open_order(order_id: UUID, uow: UnitOfWorkDep, user: Grant = Reader) -> ProviderOrderOut:
    return ProviderOrderOut.of(await provider_orders.open_order(uow, user, order_id))


@router.post("/{order_id}/confirm", response_model=ProviderOrderOut,
             summary="Confirm (bekräfta) an opened order; from now on it cannot be recalled")
async def confirm_order(order_id: UUID, uow: UnitOfWorkDep, user: Grant = Reader) -> ProviderOrderOut:
    return ProviderOrderOut.of(await provider_orders.confirm_order(uow, user, order_id))


@router.post("/{order_id}/reject", response_model=ProviderOrderOut, summary="Reject (avvisa) an opened order")
async def reject_order(order_id: UUID, body: RejectIn, uow: UnitOfWorkDep, user: Grant = Reader) -> ProviderOrderOut:
    return ProviderOrderOut.of(await provider_orders.reject_order(uow, user, order_id, reason=body.reason))


@router.post("/{order_id}/start", response_model=ProviderOrderOut,
             summary="Report that the intervention has started (verkställd) on a date")
async def start_order(order_id: UUID, body: StartIn, uow: UnitOfWorkDep, user: Grant = Reader) -> ProviderOrderOut:
    return ProviderOrderOut.of(await provider_orders.start_order(uow, user, order_id, started_on=body.started_on))


@router.post("/{order_id}/deliveries", status_code=201, response_model=DeliveryOut,
             responses={200: {"description": "A retry: the report this Idempotency-Key made before"}},
             summary="Report delivered minutes or units on a day (återrapportering)",
             description="An Idempotency-Key is required: a retry with the same key is not counted twice. At most"
                         " 1 440 minutes (and 1 000 units) per order and day, all reports together.")
async def report_delivery(order_id: UUID, body: DeliveryIn, response: Response, uow: UnitOfWorkDep, *,
                          user: Grant = Answerer, idempotency_key: RequiredIdempotencyKey) -> DeliveryOut:
    delivery, created = await provider_orders.report_delivery(
        uow, user, order_id, delivered_on=body.delivered_on, measure=body.measure, quantity=body.quantity,
        idempotency_key=idempotency_key)
    if not created:
        response.status_code = 200
    return DeliveryOut.of(delivery)
