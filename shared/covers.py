"""Covers (ersättare) and the staff directory's active periods: whether an entry or a cover is in
force on a Swedish date. Pure; watch and notify both keep their own read models of
`staff.changed`, `cover.granted` and `cover.ended` and ask these."""
from datetime import date


def cover_in_force(*, from_date: date | None, to_date: date | None, ended_on: date | None, today: date) -> bool:
    """A cover is in force from `from_date` to `to_date`, both included (Swedish dates), unless it
    was ended early: `cover.ended` says the absent member is back on `ended_on`, so from that day
    on the cover no longer sees nor receives their watches. A cover known only by its ending (the
    events came out of order) is in force on no day."""
    if from_date is None or to_date is None:
        return False
    if ended_on is not None and today >= ended_on:
        return False
    return from_date <= today <= to_date


def entry_active(*, active_from: date | None, active_to: date | None, today: date) -> bool:
    """A directory entry is active from `active_from` to `active_to` (both included; none: no end)."""
    if active_from is None or today < active_from:
        return False
    return active_to is None or today <= active_to
