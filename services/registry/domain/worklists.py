"""The caseworker's day: the orders of the worklists, where their pages start, and which deadlines
are at risk. No I/O here; the SQL in services/registry/store/worklists.py sorts by the same keys.

- Intake (inkorg): open inquiries, reports about a child (with an assessment due date) first by
  that date, then the others oldest first by the day they came in; id breaks ties.
- Cases: open cases by the deadline at risk, the ongoing investigation's due date (none last),
  then the day the case was opened; id breaks ties.
- Decisions in force: valid today (valid_from <= today <= valid_to, none: until further notice).
"""
from datetime import date, timedelta
from enum import StrEnum
from uuid import UUID

from shared import errors

# A deadline within this many days is at risk (the unit overview, the flags on the lists).
AT_RISK_DAYS = 14
# A journal note unsigned longer than this shows in the unit's overview (as the watch's
# unsigned_note rule reminds its author after seven days).
UNSIGNED_NOTE_DAYS = 7
# "No deadline" sorts after every real one. The database sorts it as DATE 'infinity' (the index of
# migration 011), which asyncpg reads and writes as date.max; a cursor carries it as 9999-12-31.
NO_DEADLINE = date.max


class Scope(StrEnum):
    MINE = "mine"   # the cases the user is responsible for
    UNIT = "unit"   # every open case of the unit


def list_unit(*, asked: str | None, own: str | None) -> str:
    """The unit a worklist is of: the one asked for, by default the token's own."""
    unit = asked if asked is not None else own
    if not unit:
        raise errors.forbidden("no_unit", "Your token names no unit", "a worklist is of your own unit")
    return unit


def intake_key(*, assessment_due_on: date | None, received_on: date, id: UUID) -> tuple[int, date, UUID]:
    """Reports about a child (0) by their assessment due date, then the rest (1) oldest first."""
    if assessment_due_on is not None:
        return (0, assessment_due_on, id)
    return (1, received_on, id)


def case_key(*, ongoing_due_on: date | None, opened_on: date, id: UUID) -> tuple[date, date, UUID]:
    return (ongoing_due_on or NO_DEADLINE, opened_on, id)


def overdue(due_on: date | None, today: date) -> bool:
    """Passed: the deadline was before today."""
    return due_on is not None and due_on < today


def at_risk(due_on: date | None, today: date) -> bool:
    """Not passed yet, but within AT_RISK_DAYS."""
    return due_on is not None and today <= due_on <= today + timedelta(days=AT_RISK_DAYS)


def in_force(*, valid_from: date, valid_to: date | None, outcome: str, today: date) -> bool:
    """A decision granting something (in whole or part) is in force from valid_from to valid_to,
    both included; a rejection grants nothing to be in force."""
    return outcome != "rejected" and valid_from <= today and (valid_to is None or today <= valid_to)
