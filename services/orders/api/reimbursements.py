"""HTTP routes for the reimbursement basis (ersättningsunderlag) and the prices behind it."""
from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from services.orders.domain.access import ensure_own_provider
from services.orders.domain.reimbursements import amount_ore, month_bounds
from services.orders.store import deliveries as store
from shared.access import Grant
from shared.access.routes import allow
from shared.audit import log_access_to_persons
from shared.service import ClockDep, OutboxDep, Pool

router = APIRouter(tags=["reimbursement"])
MAX_ORDERS_PER_PAGE, MAX_PRICES = 1_000, 1_000


class PriceOut(BaseModel):
    intervention: str
    measure: Literal["minutes", "units"]
    valid_from: date
    price_ore: int
    per_quantity: int = Field(description="The price is öre per this many minutes or units")


class LineOut(BaseModel):
    order_id: UUID
    intervention: str
    measure: Literal["minutes", "units"]
    reports: int
    quantity: int
    price_ore: int
    per_quantity: int
    price_valid_from: date
    amount_ore: int


class Basis(BaseModel):
    provider_id: UUID
    month: str
    currency: Literal["SEK"] = "SEK"
    total_ore: int = Field(description="Every line of the month, not only this page")
    orders: int = Field(description="How many orders have lines this month")
    lines: list[LineOut]
    next_after: UUID | None = Field(description="Pass as `after` for the next page of orders; null on the last")


@router.get("/reimbursements", response_model=Basis,
            summary="A provider's reimbursement basis for a month: delivered time per order at the set prices")
async def reimbursement_basis(provider_id: UUID, month: Annotated[str, Query(description="YYYY-MM")],
                              request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                              limit: Annotated[int, Query(ge=1, le=MAX_ORDERS_PER_PAGE)] = 200,
                              after: UUID | None = None,
                              user: Grant = allow("orders:reimbursement.read")) -> Basis:
    ensure_own_provider(user, provider_id)
    first, after_last = month_bounds(month)
    async with pool.acquire() as conn, conn.transaction():
        rows, total, orders = await store.basis(conn, provider_id, first, after_last, after_order=after,
                                                limit_orders=limit)
        await log_access_to_persons(conn, outbox, clock, user, resource=f"reimbursements/{provider_id}/{month}",
                                    person_ids=[r["person_id"] for r in rows], request=request)
    lines = [LineOut(**dict(r), amount_ore=amount_ore(r["quantity"], r["price_ore"], r["per_quantity"]))
             for r in rows]
    page_orders = len({line.order_id for line in lines})
    return Basis(provider_id=provider_id, month=month, total_ore=total, orders=orders, lines=lines,
                 next_after=lines[-1].order_id if lines and page_orders == limit else None)


@router.get("/prices", response_model=list[PriceOut], summary="The prices the basis is computed at")
async def prices(pool: Pool, user: Grant = allow("orders:price.read"),
                 limit: Annotated[int, Query(ge=1, le=MAX_PRICES)] = MAX_PRICES) -> list[PriceOut]:
    async with pool.acquire() as conn:
        return [PriceOut(**dict(r)) for r in await store.all_prices(conn, limit)]
