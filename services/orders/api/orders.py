"""HTTP routes for the municipality's side of orders: create, change, send, recall, redirect, read."""
from uuid import UUID

from fastapi import APIRouter, Response

from services.orders.api.models import OrderChange, OrderIn, OrderOut, OrderSummary, RecallIn, RedirectIn
from services.orders.usecases import orders
from shared.access import Grant
from shared.access.routes import allow
from shared.api import IdempotencyKey, PageDep, UnitOfWorkDep
from shared.pagination import Page

router = APIRouter(prefix="/orders", tags=["orders"])
persons_router = APIRouter(prefix="/persons", tags=["orders"])

Writer = allow("orders:order.write")
Reader = allow("orders:order.read")


@router.post("", status_code=201, response_model=OrderOut,
             responses={200: {"description": "A retry: the order this Idempotency-Key made before"}},
             summary="Create a draft order (beställning) against a decision")
async def create_order(body: OrderIn, response: Response, uow: UnitOfWorkDep, idempotency_key: IdempotencyKey = None,
                       user: Grant = Writer) -> OrderOut:
    order, created = await orders.create_order(uow, user, **body.model_dump(), idempotency_key=idempotency_key)
    if not created:
        response.status_code = 200
    return OrderOut.of(order)


@router.patch("/{order_id}", response_model=OrderOut,
              summary="Change a draft: another provider, the details or the wanted start")
async def change_order(order_id: UUID, body: OrderChange, uow: UnitOfWorkDep, user: Grant = Writer) -> OrderOut:
    return OrderOut.of(await orders.change_order(uow, user, order_id, **body.model_dump()))


@router.post("/{order_id}/send", response_model=OrderOut, summary="Sign and send a draft to its provider")
async def send_order(order_id: UUID, uow: UnitOfWorkDep, user: Grant = Writer) -> OrderOut:
    return OrderOut.of(await orders.send_order(uow, user, order_id))


@router.post("/{order_id}/recall", response_model=OrderOut,
             summary="Recall (återkalla) an order the provider has not confirmed")
async def recall_order(order_id: UUID, body: RecallIn, uow: UnitOfWorkDep, user: Grant = Writer) -> OrderOut:
    return OrderOut.of(await orders.recall_order(uow, user, order_id, reason=body.reason))


@router.post("/{order_id}/redirect", status_code=201, response_model=OrderOut,
             summary="Recall an order and send it to the right provider, in one step; returns the new order")
async def redirect_order(order_id: UUID, body: RedirectIn, uow: UnitOfWorkDep, user: Grant = Writer) -> OrderOut:
    return OrderOut.of(await orders.redirect_order(uow, user, order_id, provider_id=body.provider_id,
                                                   reason=body.reason))


@router.get("/{order_id}", response_model=OrderOut, summary="An order with its full history")
async def get_order(order_id: UUID, uow: UnitOfWorkDep, user: Grant = Reader) -> OrderOut:
    return OrderOut.of(await orders.get_order(uow, user, order_id))


@router.get("", response_model=Page[OrderSummary], summary="A case's orders, oldest first")
async def case_orders(case_id: UUID, uow: UnitOfWorkDep, page: PageDep, user: Grant = Reader) -> Page[OrderSummary]:
    found = await orders.case_orders(uow, user, case_id, limit=page.limit, cursor=page.cursor)
    return Page[OrderSummary](items=[OrderSummary.of(r) for r in found.items], next_cursor=found.next_cursor)


@persons_router.get("/{person_id}/orders", response_model=Page[OrderSummary],
                    summary="A person's orders in every case of theirs in your scope, oldest first")
async def person_orders(person_id: UUID, uow: UnitOfWorkDep, page: PageDep, user: Grant = Reader) -> Page[OrderSummary]:
    """A caseworker sees the orders of their own unit's cases; removed cases are left out."""
    found = await orders.person_orders(uow, user, person_id, limit=page.limit, cursor=page.cursor)
    return Page[OrderSummary](items=[OrderSummary.of(r) for r in found.items], next_cursor=found.next_cursor)
