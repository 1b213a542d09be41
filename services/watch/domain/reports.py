"""The report of decisions not carried out (ej verkställda beslut, SoL 16 kap. 6 f §). No I/O.

Each quarter the municipality reports every favourable decision not carried out within
three months of the day it was made; in a later quarter, that it was carried out after
all, or that the matter ended without it.
"""
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from services.watch.domain.calendar import add_months
from shared import errors

DEADLINE_MONTHS = 3
_QUARTER = re.compile(r"^(?P<year>\d{4})-Q(?P<n>[1-4])$")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        match = _QUARTER.match(text)
        if not match or not 2000 <= int(match.group("year")) <= 2100:
            raise errors.invalid("invalid_quarter", "Not a quarter", f"write it as YYYY-Qn, e.g. 2025-Q2; got {text!r}")
        return cls(int(match.group("year")), int(match.group("n")))

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return add_months(self.start, 3) - timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"


class Status(StrEnum):
    NOT_EXECUTED = "not_executed"            # still not carried out at the quarter's end
    EXECUTED_LATE = "executed_late"          # carried out during the quarter, after three months
    ENDED_UNEXECUTED = "ended_unexecuted"    # the case was closed during the quarter without it


def deadline(decided_on: date) -> date:
    return add_months(decided_on, DEADLINE_MONTHS)


def status_in(quarter: Quarter, *, decided_on: date, executed_on: date | None,
              closed_on: date | None) -> Status | None:
    """How the decision appears in the quarter's report, or None when it does not."""
    due = deadline(decided_on)
    if due >= quarter.end:
        return None                              # three months have not passed by the quarter's end
    if executed_on is not None and executed_on <= due:
        return None                              # carried out in time
    if executed_on is not None and executed_on <= quarter.end:
        return Status.EXECUTED_LATE if executed_on >= quarter.start else None
    if closed_on is not None and closed_on <= quarter.end:
        return Status.ENDED_UNEXECUTED if closed_on >= quarter.start else None
    return Status.NOT_EXECUTED


def oldest_decided_on(quarter: Quarter) -> date:
    """No decision made after this day can be three months old within the quarter."""
    return add_months(quarter.end, -DEADLINE_MONTHS)
