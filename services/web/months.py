"""Months as the orders service's reimbursement basis names them, `2026-03`: the month of a day, the
recent ones to choose among, and their Swedish names. Pure."""
import re
from datetime import date

from services.web import texts

MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])")


def of(day: date) -> str:
    """The month `day` falls in."""
    return f"{day.year}-{day.month:02d}"


def recent(day: date, count: int = 13) -> list[str]:
    """The month of `day` and the `count - 1` before it, the newest first."""
    year, month = day.year, day.month
    found = []
    for _ in range(count):
        found.append(f"{year}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return found


def swedish(month: str) -> str:
    """`2026-03` as Swedes say it: mars 2026. Anything else as it is."""
    match = MONTH.fullmatch(month)
    if not match:
        return month
    return f"{texts.MONTHS[int(match.group('month')) - 1]} {match.group('year')}"
