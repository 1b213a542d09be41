"""The provider's side of orders (utföraren): its inbox, opening, confirming, rejecting, starting
and reporting delivered time.

Scoped to the provider named in the token: an order that was not sent to it (or was recalled
before it was opened) is `order_not_found`, so that it learns nothing. An order comes back as a
mapping of its columns as they are after the change; what the provider may see of it is the
API's to choose (`domain.orders.details_visible_to_provider`), with its `revision` (its ETag's
number, the same as the municipality's read shows): a confirmation, rejection or start sent with
`if_match` is taken only for the version the provider read (412 etag_mismatch otherwise)."""
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

import asyncpg
from uuid_utils.compat import uuid7

from services.orders.domain import decisions
from services.orders.domain.orders import Action, OrderState, order_not_found, transition, visible_to_provider
from services.orders.store import deliveries as delivery_store
from services.orders.store import orders as store
from services.orders.store import read_models
from shared import errors, idempotency
from shared.access import Grant
from shared.etag import ensure_current, etag
from shared.events.catalog import DeliveryReported, OrderConfirmed, OrderOpened, OrderRejected, OrderStarted
from shared.pagination import Listed, decode_cursor
from shared.unit_of_work import UnitOfWork

ProviderOrder = Mapping[str, Any]


async def inbox(uow: UnitOfWork, user: Grant, *, limit: int, cursor: str | None = None) -> Listed[asyncpg.Record]:
    """What was sent to the user's provider: unopened first, then the newest sent first."""
    after = decode_cursor(cursor, int, datetime, UUID)  # opened (0 or 1), sent_at and id of the last one shown
    if after is not None:
        after = (bool(after[0]), *after[1:])
    provider = user.own_provider()
    async with uow.reading():
        rows = await store.inbox(uow.conn, provider, after=after, limit=limit + 1) if provider else []
        listed = Listed.of(rows, limit, lambda r: (int(r["opened"]), r["sent_at"], r["id"]))
        # The list names no person, but shows what each order is for: logged for each person on the page.
        uow.log_read(user, resource=f"provider/{user.provider_id}/orders",
                     person_ids=[r["person_id"] for r in listed.items])
    return listed


async def open_order(uow: UnitOfWork, user: Grant, order_id: UUID) -> ProviderOrder:
    """Read an order; the first read marks it opened (`order.opened`). Logged against the person."""
    async with uow:
        row = await _visible(uow.conn, user, order_id)
        view: ProviderOrder = row
        if row["state"] == OrderState.SENT:
            now = uow.now()
            view = await _move(uow.conn, row, Action.OPEN, user, now, opened_at=now)
            uow.publish(OrderOpened(order_id=order_id, case_id=row["case_id"], provider_id=row["provider_id"],
                                    caseworker=row["sent_by"], opened_by=user.sub, opened_at=now),
                        key=str(order_id), subject=f"order/{order_id}")
        uow.log_read(user, resource=f"order/{order_id}", person_id=row["person_id"])
    return view


async def confirm_order(uow: UnitOfWork, user: Grant, order_id: UUID, *,
                        if_match: str | None = None) -> ProviderOrder:
    """Confirm (bekräfta) an opened order (`order.confirmed`); from now on it cannot be recalled."""
    async with uow:
        row = await _visible(uow.conn, user, order_id)
        ensure_current(if_match, etag(row["revision"]))
        now = uow.now()
        view = await _move(uow.conn, row, Action.CONFIRM, user, now)
        uow.publish(OrderConfirmed(order_id=order_id, case_id=row["case_id"], provider_id=row["provider_id"],
                                   caseworker=row["sent_by"], confirmed_by=user.sub, confirmed_at=now),
                    key=str(order_id), subject=f"order/{order_id}")
    return view


async def reject_order(uow: UnitOfWork, user: Grant, order_id: UUID, *, reason: str,
                       if_match: str | None = None) -> ProviderOrder:
    """Reject (avvisa) an opened order (`order.rejected`)."""
    async with uow:
        row = await _visible(uow.conn, user, order_id)
        ensure_current(if_match, etag(row["revision"]))
        now = uow.now()
        view = await _move(uow.conn, row, Action.REJECT, user, now, reason=reason)
        uow.publish(OrderRejected(order_id=order_id, case_id=row["case_id"], provider_id=row["provider_id"],
                                  caseworker=row["sent_by"], unit=row["unit"], rejected_by=user.sub,
                                  rejected_at=now),
                    key=str(order_id), subject=f"order/{order_id}")
    return view


async def start_order(uow: UnitOfWork, user: Grant, order_id: UUID, *, started_on: date,
                      if_match: str | None = None) -> ProviderOrder:
    """The intervention began on `started_on` (verkställd, `order.started`): inside the decision,
    on an open case, not in the future."""
    async with uow:
        row = await _visible(uow.conn, user, order_id)
        ensure_current(if_match, etag(row["revision"]))
        transition(OrderState(row["state"]), Action.START)
        case, decision = read_models.views(row)
        decisions.ensure_startable(case, decision, case_id=row["case_id"], started_on=started_on,
                                   today=uow.today())
        now = uow.now()
        view = await _move(uow.conn, row, Action.START, user, now, started_on=started_on)
        uow.publish(OrderStarted(order_id=order_id, case_id=row["case_id"], decision_id=row["decision_id"],
                                 provider_id=row["provider_id"], caseworker=row["sent_by"], started_on=started_on,
                                 started_by=user.sub, started_at=now),
                    key=str(order_id), subject=f"order/{order_id}")
    return view


async def report_delivery(uow: UnitOfWork, user: Grant, order_id: UUID, *, delivered_on: date,
                          measure: Literal["minutes", "units"], quantity: int,
                          idempotency_key: str | None = None) -> tuple[asyncpg.Record, bool]:
    """Delivered minutes or units on a day (återrapportering, `delivery.reported`), and True; a
    retry with the same Idempotency-Key gets the report the first request made, and False, so
    that it is not counted twice."""
    request = idempotency.fingerprint({"order_id": order_id, "delivered_on": delivered_on, "measure": measure,
                                       "quantity": quantity})
    async with uow:
        conn = uow.conn
        row = await _visible(conn, user, order_id)
        if idempotency_key and (earlier := await delivery_store.by_key(conn, order_id, idempotency_key)):
            idempotency.ensure_same_request(earlier["request_hash"], request)
            return earlier, False
        # The case first: on a closed case the order has ended too, and the case is the reason.
        case, decision = read_models.views(row)
        decisions.ensure_deliverable(case, decision, case_id=row["case_id"], delivered_on=delivered_on,
                                     started_on=row["started_on"], today=uow.today())
        transition(OrderState(row["state"]), Action.REPORT_DELIVERY)
        decisions.ensure_within_day(measure=measure, quantity=quantity, delivered_on=delivered_on,
                                    already=await delivery_store.day_total(conn, order_id, delivered_on, measure))
        if await delivery_store.price(conn, row["intervention"], measure, delivered_on) is None:
            raise errors.conflict("no_price", "There is no price for this intervention and measure",
                                  f"{row['intervention']} has no price per {measure} on {delivered_on};"
                                  " report in the measure the intervention is priced in (GET /prices)")
        now = uow.now()
        delivery = await delivery_store.insert(conn, delivery_id=uuid7(), order_id=order_id,
                                               delivered_on=delivered_on, measure=measure, quantity=quantity,
                                               reported_by=user.sub, reported_at=now,
                                               idempotency_key=idempotency_key, request_hash=request)
        if delivery is None:  # a concurrent retry with the same key committed first
            raise idempotency.in_progress()
        uow.publish(DeliveryReported(delivery_id=delivery["id"], order_id=order_id, case_id=row["case_id"],
                                     provider_id=row["provider_id"], intervention=row["intervention"],
                                     delivered_on=delivered_on, measure=measure, quantity=quantity,
                                     reported_by=user.sub, reported_at=now),
                    key=str(order_id), subject=f"order/{order_id}")
    return delivery, True


async def _visible(conn: asyncpg.Connection, user: Grant, order_id: UUID) -> asyncpg.Record:
    """The order, locked, if it was sent to the user's provider and may be shown to it."""
    row = await store.get(conn, order_id, for_update=True)
    if (row is None or not user.sees_provider(row["provider_id"])
            or not visible_to_provider(OrderState(row["state"]), row["opened_at"] is not None)):
        raise order_not_found(order_id)
    return row


async def _move(conn: asyncpg.Connection, row: asyncpg.Record, action: Action, user: Grant, at: datetime,
                reason: str | None = None, **columns) -> ProviderOrder:
    """Make the move; the order as it now is, without reading it again."""
    state = transition(OrderState(row["state"]), action)
    entry = await store.move(conn, row["id"], action=action, from_state=row["state"], to_state=state,
                             actor=user.sub, at=at, reason=reason, detail=columns or None, **columns)
    return {**dict(row), **columns, "state": state, "revision": entry["revision"]}
