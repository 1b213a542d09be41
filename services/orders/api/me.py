"""HTTP route for a citizen's own orders (mina insatser hos utförare)."""
from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from services.orders.api.models import CASE_ID, ORDER_ID
from services.orders.domain.orders import OrderState
from services.orders.usecases import orders
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.openapi import service_router
from shared.pagination import Page

router = service_router(prefix="/me", tags=["citizen"])


class MyOrder(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": ORDER_ID, "case_id": CASE_ID, "state": "started", "provider_name": "Hemtjänst Norr AB",
        "intervention": "home_help", "wanted_start": "2026-03-16", "sent_at": "2026-03-09T10:05:42Z",
        "started_on": "2026-03-16"}]})

    id: UUID
    case_id: UUID
    state: OrderState
    provider_name: str
    intervention: str
    wanted_start: date
    sent_at: datetime | None
    started_on: date | None


@router.get("/orders", response_model=Page[MyOrder], summary="Orders in your own cases, oldest first")
async def my_orders(uow: UnitOfWorkDep, page: PageDep, user: Grant = allow("orders:own_order.read")) -> Page[MyOrder]:
    """The orders sent to providers in the citizen's own cases (by the `pin` of their token),
    oldest sent first: which provider carries out which intervention, and from when. Drafts are
    not shown. Citizens only; 403 `no_identity` for a token without a personal identity number."""
    found = await orders.my_orders(uow, user, limit=page.limit, cursor=page.cursor)
    return Page[MyOrder](items=[MyOrder(**{k: r[k] for k in MyOrder.model_fields}) for r in found.items],
                         next_cursor=found.next_cursor)
