"""The report of decisions not carried out (ej verkställda beslut). No I/O.

Each quarter the municipality reports to IVO every favourable decision not carried out within
three months of the day it was made, and every interruption (avbrott) not resumed within three
months; in a later quarter, that it was carried out (or resumed) after all, or that the matter
ended without it. SoL and LSS decisions are reported apart; the council (kommunfullmäktige) and
the auditors get the numbers by gender. Paragraphs and sources: docs/law.md.
"""
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from services.watch.domain.calendar import add_months
from shared import errors
from shared.pagination import decode_cursor, encode_cursor

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
    INTERRUPTED = "interrupted"              # interrupted, not resumed within three months
    RESUMED_LATE = "resumed_late"            # resumed during the quarter, after three months


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


def interruption_status_in(quarter: Quarter, *, interrupted_on: date | None, resumed_on: date | None,
                           closed_on: date | None) -> Status | None:
    """How an interruption appears in the quarter's report, or None when it does not."""
    if interrupted_on is None:
        return None
    due = deadline(interrupted_on)
    if due >= quarter.end:
        return None
    if resumed_on is not None and resumed_on <= due:
        return None
    if resumed_on is not None and resumed_on <= quarter.end:
        return Status.RESUMED_LATE if resumed_on >= quarter.start else None
    if closed_on is not None and closed_on <= quarter.end:
        return Status.ENDED_UNEXECUTED if closed_on >= quarter.start else None
    return Status.INTERRUPTED


def oldest_decided_on(quarter: Quarter) -> date:
    """No decision made after this day can be three months old within the quarter."""
    return add_months(quarter.end, -DEADLINE_MONTHS)


# A unit's favourable decisions of the last quarters; far beyond, something is wrong.
MAX_CANDIDATES = 50_000


def ensure_not_too_many(candidates: int, unit: str) -> None:
    if candidates > MAX_CANDIDATES:
        raise errors.invalid("report_too_large", "Too many decisions for one report",
                             f"more than {MAX_CANDIDATES} candidate decisions in unit {unit!r}")


@dataclass(frozen=True)
class Line:
    """A decision as the quarter's report shows it."""
    decision_id: UUID
    case_id: UUID | None
    intervention: str | None
    law: str | None            # SoL or LSS
    ivo_category: str | None   # IVO's category of the intervention
    gender: str | None         # female or male
    birth_year: int | None
    decided_by: str | None
    decided_on: date
    deadline: date             # three months after the decision, or after the interruption
    status: Status
    executed_on: date | None   # when carried out late during the quarter
    interrupted_on: date | None
    resumed_on: date | None    # when resumed late during the quarter
    ended_on: date | None      # when the case closed during the quarter without it
    days_waited: int           # from the decision (or interruption) to its end, or the quarter's end
    delay_reasons: tuple[dict[str, Any], ...] = ()

    @property
    def key(self) -> tuple[date, UUID]:
        """The report's order: by decision date, then id."""
        return self.decided_on, self.decision_id


def line_in(quarter: Quarter, decision: Mapping[str, Any]) -> Line | None:
    """The report's line of a decision (its row, with the case's `closed_on`), or None when the
    decision is not in the quarter's report. An interruption reported counts before the decision's
    original carrying out."""
    decided_on, executed_on, closed_on = decision["decided_on"], decision["executed_on"], decision["closed_on"]
    interrupted_on, resumed_on = decision.get("interrupted_on"), decision.get("resumed_on")
    status = interruption_status_in(quarter, interrupted_on=interrupted_on, resumed_on=resumed_on,
                                    closed_on=closed_on)
    if status is not None:
        start, late_end = interrupted_on, resumed_on if status is Status.RESUMED_LATE else None
    else:
        status = status_in(quarter, decided_on=decided_on, executed_on=executed_on, closed_on=closed_on)
        if status is None:
            return None
        start, late_end = decided_on, executed_on if status is Status.EXECUTED_LATE else None
        interrupted_on = resumed_on = None
    ended = closed_on if status is Status.ENDED_UNEXECUTED else None
    until = late_end or ended or quarter.end
    return Line(decision_id=decision["decision_id"], case_id=decision["case_id"],
                intervention=decision["intervention"], law=decision.get("law"),
                ivo_category=decision.get("ivo_category"), gender=decision.get("gender"),
                birth_year=decision.get("birth_year"), decided_by=decision["decided_by"], decided_on=decided_on,
                deadline=deadline(start), status=status,
                executed_on=executed_on if status is Status.EXECUTED_LATE else None,
                interrupted_on=interrupted_on, resumed_on=resumed_on if status is Status.RESUMED_LATE else None,
                ended_on=ended, days_waited=(until - start).days,
                delay_reasons=tuple(decision.get("delay_reasons") or ()))


@dataclass(frozen=True)
class Report:
    quarter: Quarter
    unit: str
    counts: dict[Status, int]
    lines: list[Line]          # one page of them
    next_cursor: str | None

    @property
    def not_executed(self) -> int:
        return self.counts[Status.NOT_EXECUTED]


def position_after(cursor: str | None) -> tuple[date, UUID] | None:
    """The key of the line a cursor of the report names (None: the first page); 422 `invalid_cursor`."""
    return decode_cursor(cursor, date, UUID)


def report(quarter: Quarter, unit: str, decisions: Iterable[Mapping[str, Any]], *, limit: int,
           after: tuple[date, UUID] | None = None) -> Report:
    """The quarter's report of `decisions`, counted in full, with one page of its lines in the
    report's order: up to `limit` lines after the line keyed `after` (see `position_after`)."""
    lines = sorted((line for line in (line_in(quarter, d) for d in decisions) if line is not None),
                   key=lambda line: line.key)
    counts = {s: sum(1 for line in lines if line.status is s) for s in Status}
    rest = lines if after is None else [line for line in lines if line.key > after]
    page = rest[:limit]
    next_cursor = encode_cursor(*page[-1].key) if len(rest) > limit else None
    return Report(quarter=quarter, unit=unit, counts=counts, lines=page, next_cursor=next_cursor)


@dataclass(frozen=True)
class SummaryRow:
    law: str
    gender: str
    status: Status
    count: int


def council_summary(quarter: Quarter, decisions: Iterable[Mapping[str, Any]]) -> list[SummaryRow]:
    """The quarter's numbers for the council and the auditors: by law, gender and status, every
    combination present (unknown law or gender shown as "unknown")."""
    counts: dict[tuple[str, str, Status], int] = {}
    for d in decisions:
        line = line_in(quarter, d)
        if line is None:
            continue
        key = (line.law or "unknown", line.gender or "unknown", line.status)
        counts[key] = counts.get(key, 0) + 1
    return [SummaryRow(law, gender, status, n) for (law, gender, status), n in
            sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1], list(Status).index(kv[0][2])))]


CSV_COLUMNS = ("beslut_id", "lag", "insats", "ivo_kategori", "kon", "fodelsear", "beslutsdatum", "status",
               "avbrott_datum", "verkstallt_datum", "aterupptaget_datum", "avslutat_datum", "dagar",
               "skal_till_drojsmal", "erbjudande_avbojt_datum")


def csv_row(line: Line) -> tuple[str, ...]:
    """A line as a row of the CSV a caseworker uploads to or copies into IVO's e-service."""
    def day(d: date | None) -> str:
        return d.isoformat() if d else ""
    reasons = ";".join(r.get("code", "") for r in line.delay_reasons)
    declined = ";".join(r["declined_offer_on"] for r in line.delay_reasons if r.get("declined_offer_on"))
    gender = {"female": "kvinna", "male": "man"}.get(line.gender or "", "")
    return (str(line.decision_id), line.law or "", line.intervention or "", line.ivo_category or "", gender,
            str(line.birth_year or ""), day(line.decided_on), line.status.value, day(line.interrupted_on),
            day(line.executed_on), day(line.resumed_on), day(line.ended_on), str(line.days_waited), reasons,
            declined)
