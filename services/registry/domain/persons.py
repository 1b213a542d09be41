"""Persons and their identity numbers. No I/O here.

Every path that takes a personnummer or samordningsnummer (create, lookup, occurrence
search, import) goes through `valid_pin`, so the same number is refused the same way,
with the shared validator's message, wherever it is given.
"""
from datetime import date

from shared import errors
from shared.pin import InvalidPersonalIdentityNumber, PersonalIdentityNumber, parse_pin

INVALID_PIN = "invalid_personal_identity_number"


def valid_pin(value: str, today: date) -> PersonalIdentityNumber:
    """The parsed number, or a 422 problem that says what is wrong with it."""
    try:
        return parse_pin(value, today=today)
    except InvalidPersonalIdentityNumber as exc:
        raise errors.invalid(INVALID_PIN, "Invalid personal identity number",
                      f"the personal identity number {exc}") from exc


def pin_error(value: str, today: date) -> str | None:
    """The same check for row-by-row work (import): the message, or None when the number is valid."""
    try:
        valid_pin(value, today)
    except errors.DomainError as problem:
        return problem.detail
    return None


def age_on(birth_date: date, day: date) -> int:
    years = day.year - birth_date.year
    return years - ((day.month, day.day) < (birth_date.month, birth_date.day))


def is_child_on(birth_date: date, day: date) -> bool:
    return age_on(birth_date, day) < 18
