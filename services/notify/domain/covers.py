"""Covers (ersättare) in force on a day, as notify uses them. No I/O."""
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from shared.covers import cover_in_force


def covers_in_force(covers: Iterable[Mapping[str, Any]], today: date) -> dict[str, list[str]]:
    """Absent member's sub to the subs of their covers in force `today` (rows of the covers table)."""
    found: dict[str, list[str]] = {}
    for c in covers:
        if cover_in_force(from_date=c["from_date"], to_date=c["to_date"], ended_on=c["ended_on"], today=today):
            found.setdefault(c["absent"], [])
            if c["cover"] not in found[c["absent"]]:
                found[c["absent"]].append(c["cover"])
    return found
