"""The staff directory (personalkatalog) and covers during absence (ersättare). No I/O here.

A member of staff is known by the subject (`sub`) of their tokens. The directory says their
name, title, unit, e-mail, own supervisor and delegation level; tokens still decide what anyone
may do. A subject the directory does not know works wherever its token allows, shown without a
name, and decides at the lowest delegation level.
"""
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from email_validator import EmailNotValidError, validate_email

from shared import errors


class Level(StrEnum):
    """Delegation levels, lowest first: what a member of staff may decide alone."""
    CASEWORKER = "caseworker"   # handläggare
    SUPERVISOR = "supervisor"   # enhetschef / arbetsledare
    COMMITTEE = "committee"     # nämnden (or its chair, or an appointed member)

    @property
    def rank(self) -> int:
        return list(Level).index(self)

    def meets(self, required: "Level") -> bool:
        return self.rank >= required.rank


@dataclass(frozen=True)
class StaffEntry:
    """What a directory entry says (the subject is the key; who changed it and when are added)."""
    name: str
    title: str | None
    unit: str
    email: str | None
    supervisor: str | None
    delegation_level: Level
    active_from: date
    active_to: date | None

    FIELDS = ("name", "title", "unit", "email", "supervisor", "delegation_level", "active_from", "active_to")

    def same_as(self, row) -> bool:
        """The stored row says exactly this already (nothing to change, no event)."""
        return row is not None and all(row[f] == getattr(self, f) for f in self.FIELDS)


def normalise_email(text: str) -> str:
    """An address mail can be sent to: parsed by a real address parser, the domain in ASCII (IDNA)."""
    try:
        parsed = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise errors.invalid("invalid_email", "Not an e-mail address mail can be sent to", str(exc)) from None
    if parsed.ascii_email is None:
        raise errors.invalid("invalid_email", "Not an e-mail address mail can be sent to",
                             "the part before @ must be plain ASCII letters, digits and . _ + -")
    return parsed.ascii_email


def check_entry(subject: str, entry: StaffEntry, *, supervisor_known: bool) -> StaffEntry:
    """The entry as it is stored: 422 when it cannot be."""
    if entry.supervisor is not None:
        if entry.supervisor == subject:
            raise errors.invalid("own_supervisor", "A member of staff is not their own supervisor")
        if not supervisor_known:
            raise errors.invalid("unknown_supervisor", "The supervisor is not in the staff directory",
                                 f"add {entry.supervisor!r} first (PUT /staff/{{subject}}), or leave supervisor null")
    if entry.active_to is not None and entry.active_to < entry.active_from:
        raise errors.invalid("active_reversed", "active_to is before active_from")
    email = normalise_email(entry.email) if entry.email is not None else None
    return StaffEntry(name=entry.name.strip(), title=entry.title.strip() if entry.title else None,
                      unit=entry.unit, email=email, supervisor=entry.supervisor,
                      delegation_level=Level(entry.delegation_level), active_from=entry.active_from,
                      active_to=entry.active_to)


def active_on(row, day: date) -> bool:
    return row["active_from"] <= day and (row["active_to"] is None or day <= row["active_to"])


def level_of(row, day: date) -> Level:
    """The level a member decides at on `day`: the directory's while active; else (unknown,
    not yet or no longer active) the lowest."""
    if row is None or not active_on(row, day):
        return Level.CASEWORKER
    return Level(row["delegation_level"])


# Covers

def check_cover(*, absent: str, cover: str, absent_row, cover_row, from_date: date, to_date: date,
                today: date) -> str:
    """A cover can be granted: both in the directory, in one unit, the period in order and not over.
    Returns the unit."""
    if absent == cover:
        raise errors.invalid("cover_is_absent", "A member of staff does not cover for themselves")
    for subject, row in ((absent, absent_row), (cover, cover_row)):
        if row is None:
            raise errors.invalid("unknown_staff", "Not in the staff directory", subject)
    if absent_row["unit"] != cover_row["unit"]:
        raise errors.invalid("cover_other_unit", "The cover works in another unit",
                             "a cover is chosen among the absent member's own unit")
    if to_date < from_date:
        raise errors.invalid("cover_period_reversed", "to_date is before from_date")
    if to_date < today:
        raise errors.invalid("cover_period_over", "The cover would be over before today",
                             f"to_date {to_date.isoformat()} is before today ({today.isoformat()})")
    return absent_row["unit"]


def check_end(*, ended_on: date | None, to_date: date, today: date) -> None:
    if ended_on is not None:
        raise errors.conflict("cover_ended", "The cover is already ended", f"ended on {ended_on.isoformat()}")
    if to_date < today:
        raise errors.conflict("cover_over", "The cover is already over", f"it held until {to_date.isoformat()}")
