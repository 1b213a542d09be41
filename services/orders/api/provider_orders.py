"""HTTP routes for the provider's side (utföraren): its inbox, opening, confirming, rejecting,
starting and reporting delivered time. Scoped to the provider named in the token; an order
that was not sent to it (or was recalled before it was opened) is 404, so it learns nothing."""
import base64
import binascii
from datetime import datetime
from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Header, Query, Request, Response
from uuid6 import uuid7

from services.orders.api.models import (
    DEFAULT_PAGE,
    MAX_PAGE,
    DeliveryIn,
    DeliveryOut,
    Inbox,
    InboxItem,
    ProviderOrderOut,
    RejectIn,
    StartIn,
)
from services.orders.domain import decisions
from services.orders.domain.orders import Action, OrderState, order_not_found, transition, visible_to_provider
from services.orders.store import deliveries as delivery_store
from services.orders.store import orders as store
from services.orders.store import read_models
from shared import errors
from shared.idempotency import ensure_same_request
from shared.access import Grant
from shared.access.routes import allow
from shared.audit import log_access, log_access_to_persons
from shared.events.catalog import DeliveryReported, OrderConfirmed, OrderOpened, OrderRejected, OrderStarted
from shared.service import ClockDep, OutboxDep, Pool

router = APIRouter(prefix="/provider/orders", tags=["provider"])

Reader = allow("orders:provider_order.read")
Answerer = allow("orders:provider_order.answer")


async def _visible(conn: asyncpg.Connection, user: Grant, order_id: UUID) -> asyncpg.Record:
    """The order, locked, if it was sent to the user's provider and may be shown to it."""
    row = await store.get(conn, order_id, for_update=True)
    if (row is None or not user.sees_provider(row["provider_id"])
            or not visible_to_provider(OrderState(row["state"]), row["opened_at"] is not None)):
        raise order_not_found(order_id)
    return row


async def _move(conn: asyncpg.Connection, row: asyncpg.Record, action: Action, user: Grant, at: datetime,
                reason: str | None = None, **columns) -> ProviderOrderOut:
    """Make the move and answer with the order as it now is, without reading it again."""
    state = transition(OrderState(row["state"]), action)
    await store.move(conn, row["id"], action=action, from_state=row["state"], to_state=state, actor=user.sub,
                     at=at, reason=reason, detail=columns or None, **columns)
    return ProviderOrderOut.of({**dict(row), **columns, "state": state})


def _cursor(item: asyncpg.Record) -> str:
    raw = f"{int(item['opened'])}|{item['sent_at'].isoformat()}|{item['id']}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _parse_cursor(cursor: str) -> tuple[bool, datetime, UUID]:
    try:
        opened, sent_at, order_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return opened == "1", datetime.fromisoformat(sent_at), UUID(order_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise errors.invalid("invalid_cursor", "The cursor is not one this API gave",
                      "pass `next_cursor` from the previous page unchanged") from None


@router.get("", response_model=Inbox, summary="The provider's inbox: unopened first, then newest first")
async def inbox(request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                cursor: Annotated[str | None, Query(max_length=200)] = None,
                user: Grant = Reader) -> Inbox:
    after = _parse_cursor(cursor) if cursor else None
    provider = user.own_provider()
    async with pool.acquire() as conn, conn.transaction():
        rows = await store.inbox(conn, provider, after=after, limit=limit) if provider else []
        # The list names no person, but shows what each order is for: logged for each person on the page.
        await log_access_to_persons(conn, outbox, clock, user, resource=f"provider/{user.provider_id}/orders",
                                    person_ids=[r["person_id"] for r in rows], request=request)
    return Inbox(orders=[InboxItem.of(r) for r in rows],
                 next_cursor=_cursor(rows[-1]) if len(rows) == limit else None)


@router.get("/{order_id}", response_model=ProviderOrderOut,
            summary="Read an order; the first read marks it opened (order.opened)")
async def open_order(order_id: UUID, request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                     user: Grant = Reader) -> ProviderOrderOut:
    async with pool.acquire() as conn, conn.transaction():
        row = await _visible(conn, user, order_id)
        view = ProviderOrderOut.of(row)
        if row["state"] == OrderState.SENT:
            now = clock.now()
            view = await _move(conn, row, Action.OPEN, user, now, opened_at=now)
            await outbox.add(conn, OrderOpened(order_id=order_id, case_id=row["case_id"],
                                               provider_id=row["provider_id"], caseworker=row["sent_by"],
                                               opened_by=user.sub, opened_at=now),
                             key=str(order_id), subject=f"order/{order_id}")
        await log_access(conn, outbox, clock, user, resource=f"order/{order_id}", person_id=row["person_id"],
                         request=request)
    return view


@router.post("/{order_id}/confirm", response_model=ProviderOrderOut,
             summary="Confirm (bekräfta) an opened order; from now on it cannot be recalled")
async def confirm_order(order_id: UUID, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                        user: Grant = Reader) -> ProviderOrderOut:
    async with pool.acquire() as conn, conn.transaction():
        row = await _visible(conn, user, order_id)
        now = clock.now()
        view = await _move(conn, row, Action.CONFIRM, user, now)
        await outbox.add(conn, OrderConfirmed(order_id=order_id, case_id=row["case_id"],
                                              provider_id=row["provider_id"], caseworker=row["sent_by"],
                                              confirmed_by=user.sub, confirmed_at=now),
                         key=str(order_id), subject=f"order/{order_id}")
    return view


@router.post("/{order_id}/reject", response_model=ProviderOrderOut, summary="Reject (avvisa) an opened order")
async def reject_order(order_id: UUID, body: RejectIn, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                       user: Grant = Reader) -> ProviderOrderOut:
    async with pool.acquire() as conn, conn.transaction():
        row = await _visible(conn, user, order_id)
        now = clock.now()
        view = await _move(conn, row, Action.REJECT, user, now, reason=body.reason)
        await outbox.add(conn, OrderRejected(order_id=order_id, case_id=row["case_id"],
                                             provider_id=row["provider_id"], caseworker=row["sent_by"],
                                             unit=row["unit"], reason=body.reason, rejected_by=user.sub,
                                             rejected_at=now),
                         key=str(order_id), subject=f"order/{order_id}")
    return view


@router.post("/{order_id}/start", response_model=ProviderOrderOut,
             summary="Report that the intervention has started (verkställd) on a date")
async def start_order(order_id: UUID, body: StartIn, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                      user: Grant = Reader) -> ProviderOrderOut:
    async with pool.acquire() as conn, conn.transaction():
        row = await _visible(conn, user, order_id)
        transition(OrderState(row["state"]), Action.START)
        case, decision = read_models.views(row)
        now = clock.now()
        decisions.ensure_startable(case, decision, case_id=row["case_id"], started_on=body.started_on, today=clock.today())
        view = await _move(conn, row, Action.START, user, now, started_on=body.started_on)
        await outbox.add(conn, OrderStarted(order_id=order_id, case_id=row["case_id"],
                                            decision_id=row["decision_id"], provider_id=row["provider_id"],
                                            caseworker=row["sent_by"], started_on=body.started_on,
                                            started_by=user.sub, started_at=now),
                         key=str(order_id), subject=f"order/{order_id}")
    return view


@router.post("/{order_id}/deliveries", status_code=201, response_model=DeliveryOut,
             responses={200: {"description": "A retry: the report this Idempotency-Key made before"}},
             summary="Report delivered minutes or units on a day (återrapportering)")
async def report_delivery(order_id: UUID, body: DeliveryIn, response: Response, pool: Pool, outbox: OutboxDep,
                          clock: ClockDep, user: Grant = Answerer,
                          idempotency_key: Annotated[str | None, Header(
                              alias="Idempotency-Key", max_length=200,
                              description="Recommended: a retry with the same key is not counted twice")] = None,
                          ) -> DeliveryOut:
    request_hash = body.model_dump_json()
    async with pool.acquire() as conn, conn.transaction():
        row = await _visible(conn, user, order_id)
        if idempotency_key and (earlier := await delivery_store.by_key(conn, order_id, idempotency_key)):
            ensure_same_request(earlier["request_hash"], request_hash)
            response.status_code = 200
            return DeliveryOut(**dict(earlier))
        transition(OrderState(row["state"]), Action.REPORT_DELIVERY)
        case, decision = read_models.views(row)
        now = clock.now()
        decisions.ensure_deliverable(case, decision, case_id=row["case_id"], delivered_on=body.delivered_on, started_on=row["started_on"],
                                     today=clock.today())
        if await delivery_store.price(conn, row["intervention"], body.measure, body.delivered_on) is None:
            raise errors.conflict("no_price", "There is no price for this intervention and measure",
                          f"{row['intervention']} has no price per {body.measure} on {body.delivered_on};"
                          " report in the measure the intervention is priced in (GET /prices)")
        delivery = await delivery_store.insert(conn, delivery_id=uuid7(), order_id=order_id,
                                               delivered_on=body.delivered_on, measure=body.measure,
                                               quantity=body.quantity, reported_by=user.sub, reported_at=now,
                                               idempotency_key=idempotency_key, request_hash=request_hash)
        if delivery is None:
            raise errors.conflict("idempotency_key_in_use", "A request with this Idempotency-Key is in progress",
                          "retry in a moment to get its report")
        await outbox.add(conn, DeliveryReported(delivery_id=delivery["id"], order_id=order_id,
                                                case_id=row["case_id"], provider_id=row["provider_id"],
                                                intervention=row["intervention"], delivered_on=body.delivered_on,
                                                measure=body.measure, quantity=body.quantity,
                                                reported_by=user.sub, reported_at=now),
                         key=str(order_id), subject=f"order/{order_id}")
    return DeliveryOut(**{k: delivery[k] for k in DeliveryOut.model_fields})
