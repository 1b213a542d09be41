"""The reimbursement basis (ersättningsunderlag) and the prices behind it."""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from services.orders.domain.access import ensure_own_provider
from services.orders.domain.reimbursements import amount_ore, month_bounds, whole_orders
from services.orders.store import deliveries as store
from shared.access import Grant
from shared.pagination import Listed, decode_cursor, encode_cursor
from shared.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class MonthBasis:
    """A page of a provider's basis for a month: whole orders' lines, each with its amount, and
    what holds for the whole month."""
    lines: list[Mapping[str, Any]]   # order_id, intervention, measure, reports, quantity, price..., amount_ore
    next_cursor: str | None
    total_ore: int                   # every line of the month, not only this page
    orders: int                      # how many orders have lines this month


async def basis(uow: UnitOfWork, user: Grant, *, provider_id: UUID, month: str, limit: int,
                cursor: str | None = None) -> MonthBasis:
    """Delivered time per order (by order id) at the set prices; `limit` counts orders. The read
    is logged against each person on the page."""
    ensure_own_provider(user, provider_id)
    first, after_last = month_bounds(month)
    after = decode_cursor(cursor, UUID)
    async with uow:
        rows, total, orders = await store.basis(uow.conn, provider_id, first, after_last,
                                                after_order=after[0] if after else None, limit_orders=limit + 1)
        rows, last_order = whole_orders(rows, limit)
        uow.log_read(user, resource=f"reimbursements/{provider_id}/{month}", person_ids=[r["person_id"] for r in rows])
    lines = [{**dict(r), "amount_ore": amount_ore(r["quantity"], r["price_ore"], r["per_quantity"])} for r in rows]
    return MonthBasis(lines=lines, next_cursor=encode_cursor(last_order) if last_order else None,
                      total_ore=total, orders=orders)


async def prices(uow: UnitOfWork, user: Grant, *, limit: int, cursor: str | None = None) -> Listed[asyncpg.Record]:
    """The prices the basis is computed at, by intervention, measure and start."""
    after = decode_cursor(cursor, str, str, date)
    async with uow:
        rows = await store.prices(uow.conn, after=after, limit=limit + 1)
    return Listed.of(rows, limit, lambda r: (r["intervention"], r["measure"], r["valid_from"]))
