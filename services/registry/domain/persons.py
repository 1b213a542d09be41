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


# A protected address is granted for a set time, a month unless the supervisor says otherwise,
# at most three: long enough for a piece of work, short enough that grants do not pile up unseen.
DEFAULT_GRANT_DAYS = 30
MAX_GRANT_DAYS = 92


def ensure_address_grantable(*, protected: bool, granted_by: str, grantee: str, days: int) -> None:
    """Only a protected address is granted, never by a supervisor to themselves, for 1 to 92 days."""
    if not protected:
        raise errors.conflict("not_protected", "The person has no protected identity",
                              "the address of a person without skyddade personuppgifter needs no grant")
    if grantee.strip() == granted_by:
        raise errors.forbidden("self_grant", "A protected address is not granted to oneself",
                               "another supervisor grants it to you, or you grant it to a caseworker")
    if not 1 <= days <= MAX_GRANT_DAYS:
        raise errors.invalid("grant_days", "A grant lasts 1 to 92 days", f"asked for {days} days")


def ensure_revocable(*, revoked: bool) -> None:
    if revoked:
        raise errors.conflict("already_revoked", "The grant is already revoked")
