"""Reimbursement basis (ersättningsunderlag): months and money. No I/O here.

Prices are öre per `per_quantity` of a measure (e.g. 45 000 öre per 60 minutes), so that
a price per hour needs no fractions of öre. A line's amount is its summed quantity times
the price, rounded half up to whole öre once per line, not per delivery.
"""
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from shared import errors

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_bounds(text: str) -> tuple[date, date]:
    """The first day of the month and the first day of the next, from YYYY-MM."""
    match = _MONTH.match(text)
    year, month = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if not match or not 1 <= month <= 12 or year < 2000:
        raise errors.invalid("invalid_month", "Not a month", "write the month as YYYY-MM, e.g. 2025-03")
    first = date(year, month, 1)
    after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first, after


def amount_ore(quantity: int, price_ore: int, per_quantity: int) -> int:
    """quantity × price_ore / per_quantity, rounded half up, in integer arithmetic."""
    return (2 * quantity * price_ore + per_quantity) // (2 * per_quantity)


def whole_orders(lines: Sequence[Mapping[str, Any]], limit: int) -> tuple[list[Mapping[str, Any]], Any | None]:
    """A page of the basis is whole orders: given the lines of up to `limit` + 1 orders, sorted by
    order, the lines of the first `limit` orders, and the last of those orders when more follow
    (the key of the next page), else None."""
    orders = list(dict.fromkeys(line["order_id"] for line in lines))
    if len(orders) <= limit:
        return list(lines), None
    shown = set(orders[:limit])
    return [line for line in lines if line["order_id"] in shown], orders[limit - 1]
