"""The municipality's side of orders (beställningar): create, change, send, recall, redirect and
read them; and a citizen's own orders.

An order comes back as a mapping with its provider, its history and its delivered totals
(`store.orders.get(with_history=True)`), as it is after the change."""
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg
from pydantic import BaseModel
from uuid_utils.compat import uuid7

from services.orders.domain import decisions
from services.orders.domain.orders import (
    Action,
    OrderState,
    content_digest,
    order_not_found,
    transition,
)
from services.orders.domain.providers import ensure_offers
from services.orders.store import orders as store
from services.orders.store import providers as provider_store
from services.orders.store import read_models
from shared import errors, idempotency
from shared.etag import ensure_current, etag
from shared.access import Grant
from shared.case_state import CaseState, ensure_case_known, not_known
from shared.events.catalog import OrderRecalled, OrderSent
from shared.outbox import Pending
from shared.pagination import Listed, decode_cursor
from shared.pin import InvalidPersonalIdentityNumber, parse_pin, person_ref
from shared.unit_of_work import UnitOfWork

Order = Mapping[str, Any]


async def create_order(uow: UnitOfWork, user: Grant, *, case_id: UUID, decision_id: UUID, provider_id: UUID,
                       intervention: str, details: str, wanted_start: date,
                       idempotency_key: str | None = None) -> tuple[Order, bool]:
    """A draft order against a decision, and True; a retry with the same Idempotency-Key gets the
    order the first request made, and False."""
    decisions.ensure_ordered_from_provider(intervention)
    request = idempotency.fingerprint({"case_id": case_id, "decision_id": decision_id, "provider_id": provider_id,
                                       "intervention": intervention, "details": details,
                                       "wanted_start": wanted_start})
    # One write, the draft with its history entry, in one statement that also answers the draft:
    # no transaction (its reads before it see, at READ COMMITTED, what they would see in one), and
    # no event.
    async with uow.single_write():
        conn = uow.conn
        if idempotency_key and (earlier := await store.by_key(conn, user.sub, idempotency_key)):
            idempotency.ensure_same_request(earlier["request_hash"], request)
            return await _full(conn, earlier["id"]), False
        case, decision, row = await read_models.case_and_decision(conn, case_id, decision_id,
                                                                   provider_id=provider_id)
        _ensure_orderable(uow, user, case, decision, case_id=case_id, intervention=intervention,
                          wanted_start=wanted_start)
        _ensure_offered(row["provider_interventions"], provider_id, intervention)
        order_id = uuid7()
        created = await store.insert(conn, order_id=order_id, case_id=case_id, decision_id=decision_id,
                                     provider_id=provider_id, unit=decision.unit, person_id=row["person_id"],
                                     intervention=intervention, details=details, wanted_start=wanted_start,
                                     created_by=user.sub, created_at=uow.now(), detail={"provider_id": provider_id},
                                     idempotency_key=idempotency_key, request_hash=request)
        if created is None:  # a concurrent retry with the same key committed first
            raise idempotency.in_progress()
        return created, True


async def change_order(uow: UnitOfWork, user: Grant, order_id: UUID, *, provider_id: UUID | None = None,
                       details: str | None = None, wanted_start: date | None = None,
                       if_match: str | None = None) -> Order:
    """Change a draft's provider, details or wanted start; what is None stays. With `if_match`,
    only the version of the order it names (412 etag_mismatch otherwise)."""
    changes = {k: v for k, v in (("provider_id", provider_id), ("details", details), ("wanted_start", wanted_start))
               if v is not None}
    async with uow:
        conn = uow.conn
        row = await _order(uow, order_id, user, for_update=True)
        ensure_current(if_match, etag(row["revision"]))
        state = transition(OrderState(row["state"]), Action.EDIT)
        if provider_id is not None:
            await _provider(conn, provider_id, row["intervention"])
        if wanted_start is not None:
            _ensure_orderable(uow, user, *read_models.views(row), case_id=row["case_id"],
                              intervention=row["intervention"], wanted_start=wanted_start)
        await store.move(conn, order_id, action=Action.EDIT, from_state=row["state"], to_state=state, actor=user.sub,
                         at=uow.now(), detail={k: (v if k != "details" else "changed") for k, v in changes.items()},
                         **changes)
        return await _full(conn, order_id)


# How many times a send or recall reads the order again when another change of it committed
# between its read and its write (`store.Changed`) before it answers 409 `order_busy`.
ATTEMPTS = 3


async def send_order(uow: UnitOfWork, user: Grant, order_id: UUID, *, if_match: str | None = None) -> Order:
    """Sign a draft and send it to its provider (`order.sent`), if the case and decision still allow it;
    with `if_match`, only the version the signer read.

    Two statements and no transaction (ADR 0038): the order is read, checked, and changed only if
    it is still the version read; if another change came between, it is read and checked again,
    and then that change decides (a draft already sent is 409 `illegal_transition`, one edited is
    sent as edited, or 412 with `if_match`)."""
    async def send(row: Order) -> tuple[dict, dict]:
        ensure_current(if_match, etag(row["revision"]))
        transition(OrderState(row["state"]), Action.SEND)
        _ensure_orderable(uow, user, *read_models.views(row), case_id=row["case_id"],
                          intervention=row["intervention"], wanted_start=row["wanted_start"])
        return await _send(uow, row, user, uow.now(), if_unchanged=row["row_version"])

    return await _moved_unlocked(uow, user, order_id, send)


async def recall_order(uow: UnitOfWork, user: Grant, order_id: UUID, *, reason: str,
                       if_match: str | None = None) -> Order:
    """Recall (återkalla) an order the provider has not confirmed (`order.recalled`); without a
    transaction, as `send_order` (ADR 0038)."""
    async def recall(row: Order) -> tuple[dict, dict]:
        ensure_current(if_match, etag(row["revision"]))
        return await _recall(uow, row, user, uow.now(), reason, if_unchanged=row["row_version"])

    return await _moved_unlocked(uow, user, order_id, recall)


async def redirect_order(uow: UnitOfWork, user: Grant, order_id: UUID, *, provider_id: UUID, reason: str,
                         if_match: str | None = None) -> Order:
    """Recall an order and send a copy of it to the right provider, in one transaction; the new
    order. `if_match` names the version of the order recalled."""
    async with uow:
        conn = uow.conn
        old = await _order(uow, order_id, user, for_update=True)
        ensure_current(if_match, etag(old["revision"]))
        transition(OrderState(old["state"]), Action.RECALL)
        if provider_id == old["provider_id"]:
            raise errors.invalid("same_provider", "The order already went to this provider",
                                 "redirect to another provider, or recall the order")
        await _provider(conn, provider_id, old["intervention"])
        _ensure_orderable(uow, user, *read_models.views(old), case_id=old["case_id"],
                          intervention=old["intervention"], wanted_start=old["wanted_start"])
        new_id, now = uuid7(), uow.now()
        new = await store.insert(conn, order_id=new_id, case_id=old["case_id"], decision_id=old["decision_id"],
                                 provider_id=provider_id, unit=old["unit"], person_id=old["person_id"],
                                 intervention=old["intervention"], details=old["details"],
                                 wanted_start=old["wanted_start"], created_by=user.sub, created_at=now,
                                 reason=reason, detail={"provider_id": provider_id, "replaces_order_id": order_id},
                                 replaces_order_id=order_id)
        await _recall(uow, old, user, now, reason, redirected_to=new_id)
        entry, changes = await _send(uow, new, user, now)   # the new order is this transaction's alone
    return _after(new, entry, changes)


async def get_order(uow: UnitOfWork, user: Grant, order_id: UUID) -> Order:
    """An order with its full history; the read is logged against the person."""
    async with uow.reading():
        row = await _order(uow, order_id, user)
        uow.log_read(user, resource=f"order/{order_id}", person_id=row["person_id"])
    return row


async def case_orders(uow: UnitOfWork, user: Grant, case_id: UUID, *, limit: int,
                      cursor: str | None = None) -> Listed[Order]:
    """A case's orders, oldest first (by id); the read is logged against the case's person."""
    after = decode_cursor(cursor, UUID)
    async with uow.reading():
        case_row = await read_models.get_case(uow.conn, case_id)
        case = read_models.case_state(case_row)
        if case is not None:
            # Before saying anything more about another unit's case; the refusal is logged.
            uow.ensure_unit(user, case.unit, resource=f"case/{case_id}/orders", person_id=case_row["person_id"],
                            hidden=not_known(case_id))
        ensure_case_known(case, case_id)
        rows = await store.of_case(uow.conn, case_id, after=after[0] if after else None, limit=limit + 1)
        listed = Listed.of(rows, limit, lambda r: (r["id"],))
        uow.log_read(user, resource=f"case/{case_id}/orders", person_id=case_row["person_id"])
    return listed


async def person_orders(uow: UnitOfWork, user: Grant, person_id: UUID, *, limit: int,
                        cursor: str | None = None) -> Listed[Order]:
    """A person's orders in the cases the user's scope reaches (a caseworker's: their unit's),
    oldest first, removed cases left out; the read is logged against the person, also when the
    list is empty."""
    after = decode_cursor(cursor, UUID)
    async with uow:
        rows = await store.of_person(uow.conn, person_id, unit=user.unit_filter(),
                                     after=after[0] if after else None, limit=limit + 1)
        listed = Listed.of(rows, limit, lambda r: (r["id"],))
        uow.log_read(user, resource=f"person/{person_id}/orders", person_id=person_id)
    return listed


async def my_orders(uow: UnitOfWork, user: Grant, *, limit: int, cursor: str | None = None) -> Listed[Order]:
    """A citizen's own orders: those sent in their cases, oldest sent first.

    Orders keeps no personal identity numbers: a case's read model holds the person reference
    from case.opened (shared/pin.py person_ref), and the number in the citizen's token is
    matched through the same function."""
    if not user.pin:
        raise errors.forbidden("no_identity", "Your token names no personal identity number",
                               "a citizen's token carries the claim `pin`")
    try:
        number = parse_pin(user.pin, today=uow.today())
    except InvalidPersonalIdentityNumber as exc:
        raise errors.invalid(exc.code, "Invalid personal identity number",
                             f"the personal identity number {exc}") from exc
    ref = person_ref(number.normalized, uow.settings.person_ref_key)
    after = decode_cursor(cursor, datetime, UUID)
    async with uow:
        rows = await store.of_person_ref(uow.conn, ref, after=after, limit=limit + 1)
        listed = Listed.of(rows, limit, lambda r: (r["sent_at"], r["id"]))
        uow.log_read(user, resource="me/orders", person_id=await read_models.person_of_ref(uow.conn, ref))
    return listed


# The steps the use cases share.

async def _order(uow: UnitOfWork, order_id: UUID, user: Grant, *,
                 for_update: bool = False) -> asyncpg.Record:
    """The order with its history, if it is in the user's unit (a refusal is logged)."""
    row = await store.get(uow.conn, order_id, for_update=for_update, with_history=True)
    if row is None:
        raise order_not_found(order_id)
    uow.ensure_unit(user, row["unit"], resource=f"order/{order_id}", person_id=row["person_id"],
                    hidden=order_not_found(order_id))
    return row


async def _full(conn: asyncpg.Connection, order_id: UUID) -> asyncpg.Record:
    return await store.get(conn, order_id, with_history=True)


async def _provider(conn: asyncpg.Connection, provider_id: UUID, intervention: str) -> None:
    provider = await provider_store.get(conn, provider_id)
    _ensure_offered(provider["interventions"] if provider is not None else None, provider_id, intervention)


def _ensure_offered(interventions: list[str] | None, provider_id: UUID, intervention: str) -> None:
    """The provider is registered (its `interventions` are not None) and offers the intervention."""
    if interventions is None:
        raise errors.invalid("unknown_provider", "No such provider", str(provider_id))
    ensure_offers(interventions, intervention)


def _ensure_orderable(uow: UnitOfWork, user: Grant, case: CaseState | None, decision: decisions.Decision | None, *,
                      case_id: UUID, intervention: str, wanted_start: date) -> None:
    """The case and decision allow this order (rule 4), and they are in the user's unit."""
    decisions.ensure_known(decision)
    uow.ensure_unit(user, decision.unit, resource=f"case/{case_id}/orders", person_id=None, action="order",
                    hidden=decisions.not_known())
    decisions.ensure_orderable(case, decision, case_id=case_id, intervention=intervention,
                               wanted_start=wanted_start, today=uow.today())


async def _moved_unlocked(uow: UnitOfWork, user: Grant, order_id: UUID,
                          move: Callable[[Order], Awaitable[tuple[dict, dict]]]) -> Order:
    """The order read without a lock or a transaction, and `move` (its checks, then one statement
    `if_unchanged` the version read, returning the history entry and the changed columns); when
    another change came between (`store.Changed`), read and `move` again, up to ATTEMPTS times,
    then 409 `order_busy` (ADR 0038). The order as it is after the move."""
    for _ in range(ATTEMPTS):
        async with uow.single_write():
            row = await _order(uow, order_id, user)
            try:
                entry, changes = await move(row)
            except store.Changed:
                continue
        return _after(row, entry, changes)
    raise errors.conflict("order_busy", "The order is being changed by someone else",
                          f"order {order_id} changed {ATTEMPTS} times while this change was made; try again")


def _after(row: Order, entry: dict, changes: dict) -> Order:
    """The order as it is after a move, from what was read before it, without reading again."""
    return {**dict(row), **changes, "history": [*row["history"], entry], "revision": entry["revision"]}


async def _send(uow: UnitOfWork, row: Order, user: Grant, now: datetime, *,
                if_unchanged: str | None = None) -> tuple[dict, dict]:
    """Sign and send a draft: the digest of its content, the state, the history and `order.sent`
    (with `if_unchanged`, only if the order is still that version: `store.move`).
    Returns the history entry and the changed columns."""
    state = transition(OrderState(row["state"]), Action.SEND)
    digest = content_digest({k: row[k] for k in ("id", "case_id", "decision_id", "provider_id", "person_id",
                                                 "intervention", "details", "wanted_start")}
                            | {"sent_by": user.sub, "sent_at": now})
    changes = {"sent_by": user.sub, "sent_at": now, "content_digest": digest}
    sent = OrderSent(order_id=row["id"], case_id=row["case_id"], decision_id=row["decision_id"],
                     provider_id=row["provider_id"], provider_email=row["provider_email"],
                     provider_webhook_url=row["provider_webhook_url"], caseworker=user.sub, unit=row["unit"],
                     intervention=row["intervention"], wanted_start=row["wanted_start"], sent_at=now,
                     replaces_order_id=row["replaces_order_id"])
    entry = await _move(uow, row, Action.SEND, state, sent, actor=user.sub, at=now,
                        detail={"content_digest": digest}, if_unchanged=if_unchanged, **changes)
    return entry, {**changes, "state": state}


async def _recall(uow: UnitOfWork, row: Order, user: Grant, now: datetime, reason: str,
                  redirected_to: UUID | None = None, *, if_unchanged: str | None = None) -> tuple[dict, dict]:
    """Recall a sent or opened order: the state, the history and `order.recalled` (with
    `if_unchanged`, only if the order is still that version: `store.move`).
    Returns the history entry and the changed columns."""
    state = transition(OrderState(row["state"]), Action.RECALL)
    changes = {"recalled_at": now, "replaced_by_order_id": redirected_to}
    recalled = OrderRecalled(order_id=row["id"], case_id=row["case_id"], provider_id=row["provider_id"],
                             provider_email=row["provider_email"], provider_webhook_url=row["provider_webhook_url"],
                             caseworker=row["sent_by"] or user.sub, was_opened=row["opened_at"] is not None,
                             recalled_by=user.sub, recalled_at=now, redirected_to_order_id=redirected_to)
    entry = await _move(uow, row, Action.RECALL, state, recalled, actor=user.sub, at=now, reason=reason,
                        detail={"redirected_to_order_id": redirected_to} if redirected_to else None,
                        if_unchanged=if_unchanged, **changes)
    return entry, {**changes, "state": state}


async def _move(uow: UnitOfWork, row: Order, action: Action, state: OrderState, event: BaseModel,
                **move: Any) -> dict:
    """The order moved to `state`, its history entry and `event` in one statement; what the work
    published before is written first, so the outbox keeps the order of the events."""
    await uow.flush()
    return await store.move(uow.conn, row["id"], action=action, from_state=row["state"], to_state=state,
                            outbox=uow.outbox, events=[Pending(event, str(row["id"]), f"order/{row['id']}")], **move)
