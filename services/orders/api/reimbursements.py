"""HTTP routes for the reimbursement basis (ersättningsunderlag) and the prices behind it."""
from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from services.orders.api.models import ORDER_ID, PROVIDER_ID
from services.orders.usecases import reimbursements
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.openapi import service_router
from shared.pagination import Page

router = service_router(tags=["reimbursement"])


class PriceOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "intervention": "home_help", "measure": "minutes", "valid_from": "2020-01-01", "price_ore": 45000,
        "per_quantity": 60}]})

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
    """A page of the basis: the lines of whole orders (`limit` counts orders), and the month's sums."""
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "provider_id": PROVIDER_ID, "month": "2026-03", "currency": "SEK", "total_ore": 1057500, "orders": 1,
        "items": [{"order_id": ORDER_ID, "intervention": "home_help", "measure": "minutes", "reports": 15,
                   "quantity": 1410, "price_ore": 45000, "per_quantity": 60, "price_valid_from": "2020-01-01",
                   "amount_ore": 1057500}],
        "next_cursor": None}]})

    provider_id: UUID
    month: str
    currency: Literal["SEK"] = "SEK"
    total_ore: int = Field(description="Every line of the month, not only this page")
    orders: int = Field(description="How many orders have lines this month")
    items: list[LineOut] = Field(description="One line per order, measure and price, by order")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


@router.get("/reimbursements", response_model=Basis,
            summary="A provider's reimbursement basis for a month: delivered time per order at the set prices")
async def reimbursement_basis(provider_id: UUID, month: Annotated[str, Query(description="YYYY-MM")],
                              uow: UnitOfWorkDep, page: PageDep,
                              user: Grant = allow("orders:reimbursement.read")) -> Basis:
    """A provider's reimbursement basis (ersättningsunderlag) for a month: the time and units
    reported delivered per order, at the price in force on each day, with amounts in öre; a page
    holds whole orders and `total_ore` covers the whole month. Object specialists and supervisors
    for any provider; a provider user for their own only (403 `other_provider`). 422
    `invalid_month` for a month not written YYYY-MM. The read is in the access log."""
    found = await reimbursements.basis(uow, user, provider_id=provider_id, month=month, limit=page.limit,
                                       cursor=page.cursor)
    return Basis(provider_id=provider_id, month=month, total_ore=found.total_ore, orders=found.orders,
                 items=[LineOut(**line) for line in found.lines], next_cursor=found.next_cursor)


@router.get("/prices", response_model=Page[PriceOut], summary="The prices the basis is computed at")
async def prices(uow: UnitOfWorkDep, page: PageDep, user: Grant = allow("orders:price.read")) -> Page[PriceOut]:
    """The prices the reimbursement basis is computed at: öre per so many minutes or units of an
    intervention, from a date until the next price. Caseworkers, object specialists, supervisors
    and provider users."""
    found = await reimbursements.prices(uow, user, limit=page.limit, cursor=page.cursor)
    return Page[PriceOut](items=[PriceOut(**dict(r)) for r in found.items], next_cursor=found.next_cursor)
