"""Swedish personal identity numbers (personnummer) and coordination numbers
(samordningsnummer).

This is the one validator used by every path of the system: create, lookup,
occurrence search and import.

Accepted input (whitespace around the value is ignored, nothing else is):

    YYMMDD-NNNC   YYMMDD+NNNC   YYMMDDNNNC      10 digits
    YYYYMMDD-NNNC               YYYYMMDDNNNC    12 digits

Rules:

* The century of a 10-digit number follows Skatteverket (18 § folkbokförings-
  lagen): the '-' becomes a '+' in the calendar year the person turns 100.
  So with '-' or no separator the birth year is the latest year up to this
  year that ends in YY; with '+' it is the latest year up to this year - 100.
* '+' with 12 digits is rejected: it only means "100 or older" in the 10-digit
  form, and the 12-digit form already states the century.
* The date must exist. In a coordination number the day is the real day + 60
  (61-91); the normalized form keeps the +60.
* The serial number (födelsenummer, NNN) is 001-999; 000 is never issued.
* The last digit is the Luhn check digit over YYMMDDNNN.
* A birth date after `today` is invalid.

Error messages never repeat the whole number: it is sensitive personal data
and exception messages end up in logs.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from shared.clock import Clock

DIGITS = "0123456789"  # ASCII only; str.isdigit() would also accept e.g. "²" or "١"
SEPARATORS = "-+"
MONTH_NAMES = (
    "", "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


class InvalidPersonalIdentityNumber(ValueError):
    """Raised with a message (English, human-readable) that says what is wrong."""

    code = "invalid_personal_identity_number"


@dataclass(frozen=True)
class PersonalIdentityNumber:
    """A valid personnummer or samordningsnummer."""

    normalized: str  # YYYYMMDDNNNC; for a samordningsnummer the day stays +60
    birth_date: date
    is_coordination_number: bool

    def __str__(self) -> str:
        return self.normalized


def parse_pin(value: str, today: date | None = None) -> PersonalIdentityNumber:
    """Parse and validate a personnummer or samordningsnummer.

    `today` decides the century of 10-digit numbers and what counts as a
    future birth date. It defaults to the shared wall clock (UTC); a service
    should pass `today=clock.today()` from its own Clock so that a moved test
    clock applies.
    Raises InvalidPersonalIdentityNumber for anything invalid.
    """
    if today is None:
        today = Clock().today()
    if not isinstance(value, str):
        raise InvalidPersonalIdentityNumber(f"must be a string, not {type(value).__name__}")
    text = value.strip()
    if not text:
        raise InvalidPersonalIdentityNumber("is empty")

    digits, separator = _split(text)
    if len(digits) == 12:
        year = int(digits[:4])
    else:
        year = _full_year(int(digits[:2]), separator, today)
    short = digits[-10:]  # YYMMDDNNNC
    month, day, serial, check = int(short[2:4]), int(short[4:6]), short[6:9], int(short[9])

    birth_date, is_coordination_number = _birth_date(year, month, day)
    if serial == "000":
        raise InvalidPersonalIdentityNumber("serial number 000 is never issued (must be 001-999)")
    expected = luhn_check_digit(short[:9])
    if check != expected:
        raise InvalidPersonalIdentityNumber(f"check digit should be {expected}, not {check}")
    if birth_date > today:
        raise InvalidPersonalIdentityNumber(f"birth date {birth_date.isoformat()} is in the future")

    return PersonalIdentityNumber(f"{year:04d}{short[2:]}", birth_date, is_coordination_number)


def person_ref(normalized: str, key: str) -> str:
    """The reference that events carry instead of the number: HMAC-SHA256, in hex, of the
    normalized 12-digit form (PersonalIdentityNumber.normalized) keyed with OMSORG_PERSON_REF_KEY.
    A service that must recognize a person (a citizen's token names their number) computes it
    the same way and compares."""
    if len(normalized) != 12 or any(c not in DIGITS for c in normalized):
        raise ValueError("person_ref takes the normalized 12-digit form")
    return hmac.new(key.encode(), normalized.encode(), hashlib.sha256).hexdigest()


def luhn_check_digit(nine_digits: str) -> int:
    """Luhn (modulus 10, weights 2,1,2,...) check digit for YYMMDDNNN, or for the first nine
    digits of an organisation number."""
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def _split(text: str) -> tuple[str, str]:
    """Return (digits, separator) after checking the characters and layout."""
    for char in text:
        if char not in DIGITS and char not in SEPARATORS:
            raise InvalidPersonalIdentityNumber(
                f"contains {char!r}; only digits and one '-' or '+' separator are allowed"
            )
    separators = [char for char in text if char in SEPARATORS]
    if len(separators) > 1:
        raise InvalidPersonalIdentityNumber("has more than one separator")
    separator = separators[0] if separators else ""
    digits = text.replace(separator, "") if separator else text
    if len(digits) not in (10, 12):
        raise InvalidPersonalIdentityNumber(f"must be 10 or 12 digits, got {len(digits)}")
    if separator and text[-5] != separator:
        raise InvalidPersonalIdentityNumber("the separator must come right before the last 4 digits")
    if separator == "+" and len(digits) == 12:
        raise InvalidPersonalIdentityNumber(
            "'+' is only used with 10 digits (YYMMDD+NNNC); "
            "write 12 digits as YYYYMMDD-NNNC or YYYYMMDDNNNC"
        )
    return digits, separator


def _full_year(two_digit_year: int, separator: str, today: date) -> int:
    """Latest year ending in the two digits, up to this year ('-' or none) or 100 years ago ('+')."""
    latest = today.year - 100 if separator == "+" else today.year
    return latest - (latest - two_digit_year) % 100


def _birth_date(year: int, month: int, day: int) -> tuple[date, bool]:
    """Return (birth date, is coordination number) or raise if the date does not exist."""
    if year < 1:
        raise InvalidPersonalIdentityNumber("year 0000 does not exist")
    if not 1 <= month <= 12:
        raise InvalidPersonalIdentityNumber(f"month {month:02d} does not exist")
    if not (1 <= day <= 31 or 61 <= day <= 91):
        raise InvalidPersonalIdentityNumber(
            f"day {day:02d} does not exist (must be 01-31, or 61-91 for a coordination number)"
        )
    is_coordination_number = day > 60
    real_day = day - 60 if is_coordination_number else day
    if real_day > calendar.monthrange(year, month)[1]:
        note = f" (coordination number day {day})" if is_coordination_number else ""
        raise InvalidPersonalIdentityNumber(
            f"{real_day} {MONTH_NAMES[month]} {year} does not exist{note}"
        )
    return date(year, month, real_day), is_coordination_number
