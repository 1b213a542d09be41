"""A case's history as one timeline, oldest first, made from what the services answer for it: the
case itself, the inquiries that led to it, its investigations, decisions, journal notes and orders.
Pure: no I/O, no framework."""
from dataclasses import dataclass
from datetime import date, datetime, time

from shared.clock import SWEDEN

# Of what happened on the same day at no stated time, in the order of the process.
KINDS = ("inquiry", "inquiry_assessed", "case_opened", "investigation_started", "note", "investigation_completed",
         "decision", "order", "case_closed")


@dataclass
class Entry:
    kind: str
    on: date
    item: dict
    at: datetime | None = None

    def key(self) -> tuple:
        local = self.at.astimezone(SWEDEN).time() if self.at else time.min
        return self.on, local, KINDS.index(self.kind)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def build(case: dict, investigations: list[dict], decisions: list[dict], notes: list[dict],
          orders: list[dict], inquiries: list[dict] = ()) -> list[Entry]:
    entries = [Entry("case_opened", _date(case["opened_on"]), case)]
    for inquiry in inquiries:
        entries.append(Entry("inquiry", _date(inquiry["received_on"]), inquiry))
        if inquiry.get("assessed_on"):
            entries.append(Entry("inquiry_assessed", _date(inquiry["assessed_on"]), inquiry))
    if case.get("closed_on"):
        entries.append(Entry("case_closed", _date(case["closed_on"]), case))
    for inv in investigations:
        entries.append(Entry("investigation_started", _date(inv["started_on"]), inv))
        if inv.get("completed_on"):
            entries.append(Entry("investigation_completed", _date(inv["completed_on"]), inv))
    entries += [Entry("decision", _date(d["decided_on"]), d) for d in decisions]
    entries += [Entry("note", _date(n["occurred_on"]), n, _moment(n["created_at"])) for n in notes]
    for order in orders:
        sent_at = _moment(order.get("sent_at"))
        on = sent_at.astimezone(SWEDEN).date() if sent_at else _date(order["wanted_start"])
        entries.append(Entry("order", on, order, sent_at))
    return sorted(entries, key=Entry.key)
