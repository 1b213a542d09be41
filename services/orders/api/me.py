"""HTTP route for a citizen's own orders (mina insatser hos utförare).

Orders keeps no personal identity numbers: a case's read model holds the person reference
from case.opened (shared/pin.py person_ref), and the citizen's token number is matched
through the same function."""
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from services.orders.api.models import DEFAULT_PAGE, MAX_PAGE
from services.orders.domain.orders import OrderState
from services.orders.store import orders as store
from services.orders.store import read_models
from shared import errors
from shared.access import Grant
from shared.access.routes import allow
from shared.audit import log_access
from shared.pin import InvalidPersonalIdentityNumber, parse_pin, person_ref
from shared.service import ClockDep, OutboxDep, Pool

router = APIRouter(prefix="/me", tags=["citizen"])


class MyOrder(BaseModel):
    id: UUID
    case_id: UUID
    state: OrderState
    provider_name: str
    intervention: str
    wanted_start: date
    sent_at: datetime | None
    started_on: date | None


@router.get("/orders", response_model=list[MyOrder], summary="Orders in your own cases, oldest first")
async def my_orders(request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                    user: Grant = allow("orders:own_order.read")) -> list[MyOrder]:
    if not user.pin:
        raise errors.forbidden("no_identity", "Your token names no personal identity number",
                      "a citizen's token carries the claim `pin`")
    try:
        number = parse_pin(user.pin, today=clock.today())
    except InvalidPersonalIdentityNumber as exc:
        raise errors.invalid(exc.code, "Invalid personal identity number",
                      f"the personal identity number {exc}") from exc
    ref = person_ref(number.normalized, request.app.state.settings.person_ref_key)
    async with pool.acquire() as conn, conn.transaction():
        rows = await store.of_person_ref(conn, ref, limit=limit)
        await log_access(conn, outbox, clock, user, resource="me/orders",
                         person_id=await read_models.person_of_ref(conn, ref), request=request)
    return [MyOrder(**{k: r[k] for k in MyOrder.model_fields}) for r in rows]
