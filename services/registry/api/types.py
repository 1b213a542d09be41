"""Field types shared by the registry's request models, so bad input is a 422, never a 500."""
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field

EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it here rather than fail in the database.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _plausible(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be between {EARLIEST} and {LATEST}")
    return value


def _not_blank(value: str) -> str:
    # A name or a reason of spaces alone says nothing.
    if value and not value.strip():
        raise ValueError("must not be blank")
    return value


def text(max_length: int, min_length: int = 1):
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(_no_nul)]


Name = text(200)
# Where no rule of the domain judges the text (a decision's reasons are judged by its rules, with
# their own codes), spaces alone are refused here as an empty text is.
FilledName = Annotated[Name, AfterValidator(_not_blank)]
Unit = text(100)
Reason = text(2000)
FilledReason = Annotated[Reason, AfterValidator(_not_blank)]
Day = Annotated[date, AfterValidator(_plausible)]
