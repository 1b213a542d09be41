"""HTTP routes for the municipality's side of orders: create, change, send, recall, redirect, read."""
from datetime import datetime
from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Header, Query, Request, Response
from uuid6 import uuid7

from services.orders.api.models import (
    DEFAULT_PAGE,
    MAX_PAGE,
    OrderChange,
    OrderIn,
    OrderOut,
    OrderPage,
    OrderSummary,
    RecallIn,
    RedirectIn,
)
from services.orders.domain import decisions
from services.orders.domain.orders import Action, OrderState, content_digest, order_not_found, transition
from services.orders.domain.providers import ensure_offers
from services.orders.store import orders as store
from services.orders.store import providers as provider_store
from services.orders.store import read_models
from shared import errors
from shared.idempotency import ensure_same_request
from shared.access import Grant
from shared.access.routes import allow
from shared.audit import log_access
from shared.auth import Principal
from shared.clock import Clock
from shared.events.catalog import OrderRecalled, OrderSent
from shared.outbox import Outbox
from shared.service import ClockDep, OutboxDep, Pool

router = APIRouter(prefix="/orders", tags=["orders"])

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200,
                                              description="Optional; a retry with the same key returns the same order")]


async def _order(conn: asyncpg.Connection, order_id: UUID, user: Grant, *,
                 for_update: bool = False) -> asyncpg.Record:
    """The order with its history, if it is in the user's unit."""
    row = await store.get(conn, order_id, for_update=for_update, with_history=True)
    if row is None:
        raise order_not_found(order_id)
    user.ensure_unit(row["unit"])
    return row


async def _provider(conn: asyncpg.Connection, provider_id: UUID, intervention: str) -> asyncpg.Record:
    provider = await provider_store.get(conn, provider_id)
    if provider is None:
        raise errors.invalid("unknown_provider", "No such provider", str(provider_id))
    ensure_offers(provider["interventions"], intervention)
    return provider


def _ensure_orderable(user: Grant, clock: Clock, case, decision, *, case_id: UUID, intervention: str,
                      wanted_start) -> None:
    """The case and decision allow this order (rule 4), and they are in the user's unit."""
    decisions.ensure_known(decision)
    user.ensure_unit(decision.unit)
    decisions.ensure_orderable(case, decision, case_id=case_id, intervention=intervention,
                               wanted_start=wanted_start, today=clock.today())


async def _full(conn: asyncpg.Connection, order_id: UUID) -> OrderOut:
    return OrderOut.of(await store.get(conn, order_id, with_history=True))


def _answer(row: asyncpg.Record, entry: dict, changes: dict) -> OrderOut:
    """The order as it is after a move, from what was read before it, without reading again."""
    return OrderOut.of({**dict(row), **changes, "history": [*row["history"], entry]})


async def _send(conn: asyncpg.Connection, outbox: Outbox, row: asyncpg.Record, user: Principal,
                now: datetime) -> tuple[dict, dict]:
    """Sign and send a draft: the digest of its content, the state, the history and `order.sent`.
    Returns the history entry and the changed columns."""
    state = transition(OrderState(row["state"]), Action.SEND)
    digest = content_digest({k: row[k] for k in ("id", "case_id", "decision_id", "provider_id", "person_id",
                                                 "intervention", "details", "wanted_start")}
                            | {"sent_by": user.sub, "sent_at": now})
    changes = {"sent_by": user.sub, "sent_at": now, "content_digest": digest}
    entry = await store.move(conn, row["id"], action=Action.SEND, from_state=row["state"], to_state=state,
                             actor=user.sub, at=now, detail={"content_digest": digest}, **changes)
    await outbox.add(conn, OrderSent(order_id=row["id"], case_id=row["case_id"], decision_id=row["decision_id"],
                                     provider_id=row["provider_id"], provider_email=row["provider_email"],
                                     provider_webhook_url=row["provider_webhook_url"], caseworker=user.sub,
                                     unit=row["unit"], intervention=row["intervention"],
                                     wanted_start=row["wanted_start"], sent_at=now,
                                     replaces_order_id=row["replaces_order_id"]),
                     key=str(row["id"]), subject=f"order/{row['id']}")
    return entry, {**changes, "state": state}


async def _recall(conn: asyncpg.Connection, outbox: Outbox, row: asyncpg.Record, user: Principal, now: datetime,
                  reason: str, redirected_to: UUID | None = None) -> tuple[dict, dict]:
    state = transition(OrderState(row["state"]), Action.RECALL)
    changes = {"recalled_at": now, "replaced_by_order_id": redirected_to}
    entry = await store.move(conn, row["id"], action=Action.RECALL, from_state=row["state"], to_state=state,
                             actor=user.sub, at=now, reason=reason,
                             detail={"redirected_to_order_id": redirected_to} if redirected_to else None, **changes)
    await outbox.add(conn, OrderRecalled(order_id=row["id"], case_id=row["case_id"], provider_id=row["provider_id"],
                                         provider_email=row["provider_email"],
                                         provider_webhook_url=row["provider_webhook_url"],
                                         caseworker=row["sent_by"] or user.sub,
                                         was_opened=row["opened_at"] is not None, reason=reason,
                                         recalled_by=user.sub, recalled_at=now,
                                         redirected_to_order_id=redirected_to),
                     key=str(row["id"]), subject=f"order/{row['id']}")
    return entry, {**changes, "state": state}


@router.post("", status_code=201, response_model=OrderOut,
             responses={200: {"description": "A retry: the order this Idempotency-Key made before"}},
             summary="Create a draft order (beställning) against a decision")
async def create_order(body: OrderIn, response: Response, pool: Pool, clock: ClockDep,
                       idempotency_key: IdempotencyKey = None,
                       user: Grant = allow("orders:order.write")) -> OrderOut:
    request_hash = body.model_dump_json()
    async with pool.acquire() as conn, conn.transaction():
        if idempotency_key and (earlier := await store.by_key(conn, user.sub, idempotency_key)):
            ensure_same_request(earlier["request_hash"], request_hash)
            response.status_code = 200
            return await _full(conn, earlier["id"])
        case, decision, decision_row = await read_models.case_and_decision(conn, body.case_id, body.decision_id)
        _ensure_orderable(user, clock, case, decision, case_id=body.case_id, intervention=body.intervention,
                          wanted_start=body.wanted_start)
        await _provider(conn, body.provider_id, body.intervention)
        order_id, now = uuid7(), clock.now()
        created = await store.insert(conn, order_id=order_id, case_id=body.case_id, decision_id=body.decision_id,
                                     provider_id=body.provider_id, unit=decision.unit,
                                     person_id=decision_row["person_id"], intervention=body.intervention,
                                     details=body.details, wanted_start=body.wanted_start,
                                     state=OrderState.DRAFT.value, created_by=user.sub, created_at=now,
                                     idempotency_key=idempotency_key, request_hash=request_hash)
        if not created:  # a concurrent retry with the same key committed first
            raise errors.conflict("idempotency_key_in_use", "A request with this Idempotency-Key is in progress",
                          "retry in a moment to get its order")
        await store.add_history(conn, order_id, action="create", from_state=None, to_state=OrderState.DRAFT,
                                actor=user.sub, at=now, detail={"provider_id": body.provider_id})
        return await _full(conn, order_id)


@router.patch("/{order_id}", response_model=OrderOut,
              summary="Change a draft: another provider, the details or the wanted start")
async def change_order(order_id: UUID, body: OrderChange, pool: Pool, clock: ClockDep,
                       user: Grant = allow("orders:order.write")) -> OrderOut:
    async with pool.acquire() as conn, conn.transaction():
        row = await _order(conn, order_id, user, for_update=True)
        state = transition(OrderState(row["state"]), Action.EDIT)
        changes = body.model_dump(exclude_none=True)
        if body.provider_id is not None:
            await _provider(conn, body.provider_id, row["intervention"])
        if body.wanted_start is not None:
            _ensure_orderable(user, clock, *read_models.views(row), case_id=row["case_id"],
                              intervention=row["intervention"], wanted_start=body.wanted_start)
        await store.move(conn, order_id, action=Action.EDIT, from_state=row["state"], to_state=state, actor=user.sub,
                         at=clock.now(), detail={k: (v if k != "details" else "changed") for k, v in changes.items()},
                         **changes)
        return await _full(conn, order_id)


@router.post("/{order_id}/send", response_model=OrderOut, summary="Sign and send a draft to its provider")
async def send_order(order_id: UUID, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                     user: Grant = allow("orders:order.write")) -> OrderOut:
    async with pool.acquire() as conn, conn.transaction():
        row = await _order(conn, order_id, user, for_update=True)
        transition(OrderState(row["state"]), Action.SEND)
        _ensure_orderable(user, clock, *read_models.views(row), case_id=row["case_id"],
                          intervention=row["intervention"], wanted_start=row["wanted_start"])
        entry, changes = await _send(conn, outbox, row, user, clock.now())
    return _answer(row, entry, changes)


@router.post("/{order_id}/recall", response_model=OrderOut,
             summary="Recall (återkalla) an order the provider has not confirmed")
async def recall_order(order_id: UUID, body: RecallIn, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                       user: Grant = allow("orders:order.write")) -> OrderOut:
    async with pool.acquire() as conn, conn.transaction():
        row = await _order(conn, order_id, user, for_update=True)
        entry, changes = await _recall(conn, outbox, row, user, clock.now(), body.reason)
    return _answer(row, entry, changes)


@router.post("/{order_id}/redirect", status_code=201, response_model=OrderOut,
             summary="Recall an order and send it to the right provider, in one step; returns the new order")
async def redirect_order(order_id: UUID, body: RedirectIn, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                         user: Grant = allow("orders:order.write")) -> OrderOut:
    async with pool.acquire() as conn, conn.transaction():
        old = await _order(conn, order_id, user, for_update=True)
        transition(OrderState(old["state"]), Action.RECALL)
        if body.provider_id == old["provider_id"]:
            raise errors.invalid("same_provider", "The order already went to this provider",
                          "redirect to another provider, or recall the order")
        await _provider(conn, body.provider_id, old["intervention"])
        _ensure_orderable(user, clock, *read_models.views(old), case_id=old["case_id"],
                          intervention=old["intervention"], wanted_start=old["wanted_start"])
        new_id, now = uuid7(), clock.now()
        await store.insert(conn, order_id=new_id, case_id=old["case_id"], decision_id=old["decision_id"],
                           provider_id=body.provider_id, unit=old["unit"], person_id=old["person_id"],
                           intervention=old["intervention"], details=old["details"],
                           wanted_start=old["wanted_start"], state=OrderState.DRAFT.value, created_by=user.sub,
                           created_at=now, replaces_order_id=order_id)
        await store.add_history(conn, new_id, action="create", from_state=None, to_state=OrderState.DRAFT,
                                actor=user.sub, at=now, reason=body.reason,
                                detail={"provider_id": body.provider_id, "replaces_order_id": order_id})
        await _recall(conn, outbox, old, user, now, body.reason, redirected_to=new_id)
        await _send(conn, outbox, await store.get(conn, new_id, for_update=True), user, now)
        return await _full(conn, new_id)


@router.get("/{order_id}", response_model=OrderOut, summary="An order with its full history")
async def get_order(order_id: UUID, request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                    user: Grant = allow("orders:order.read")) -> OrderOut:
    async with pool.acquire() as conn, conn.transaction():
        row = await _order(conn, order_id, user)
        await log_access(conn, outbox, clock, user, resource=f"order/{order_id}", person_id=row["person_id"],
                         request=request)
    return OrderOut.of(row)


@router.get("", response_model=OrderPage, summary="A case's orders, oldest first")
async def case_orders(case_id: UUID, request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                      limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                      after: Annotated[UUID | None, Query(description="`next_after` of the previous page")] = None,
                      user: Grant = allow("orders:order.read")) -> OrderPage:
    async with pool.acquire() as conn, conn.transaction():
        case = await read_models.get_case(conn, case_id)
        if case is None:
            raise errors.not_found("case_not_known", "The case is not known to orders", str(case_id))
        user.ensure_unit(case["unit"])
        rows = await store.of_case(conn, case_id, after=after, limit=limit)
        await log_access(conn, outbox, clock, user, resource=f"case/{case_id}/orders", person_id=case["person_id"],
                         request=request)
    return OrderPage(orders=[OrderSummary(**{k: r[k] for k in OrderSummary.model_fields}) for r in rows],
                     next_after=rows[-1]["id"] if len(rows) == limit else None)
