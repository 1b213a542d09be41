"""Quarters (kvartal) as the watch's report of decisions not carried out names them, `2026-Q3`: the
quarter of a day, the recent ones to choose among, and their Swedish names. Pure."""
import re
from datetime import date

from services.web import texts

QUARTER = re.compile(r"(?P<year>\d{4})-Q(?P<n>[1-4])")


def of(day: date) -> str:
    """The quarter `day` falls in."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def recent(day: date, count: int = 8) -> list[str]:
    """The quarter of `day` and the `count - 1` before it, the newest first."""
    year, n = day.year, (day.month - 1) // 3 + 1
    found = []
    for _ in range(count):
        found.append(f"{year}-Q{n}")
        year, n = (year - 1, 4) if n == 1 else (year, n - 1)
    return found


def swedish(quarter: str) -> str:
    """`2026-Q3` as Swedes say it: kvartal 3 2026 (juli–september). Anything else as it is."""
    match = QUARTER.fullmatch(quarter)
    if not match:
        return quarter
    n = int(match.group("n"))
    return f"kvartal {n} {match.group('year')} ({texts.MONTHS[3 * n - 3]}–{texts.MONTHS[3 * n - 1]})"
