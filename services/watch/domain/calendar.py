"""Dates and business days (arbetsdagar) in Sweden. No I/O here.

Weekends and public holidays do not count, nor the days the Annual Leave Act treats as
holidays (midsommarafton, julafton, nyårsafton: semesterlagen 1977:480, 7 §), when the
municipality's offices are closed as well. The holidays come from the `holidays` library.
"""
import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from holidays.constants import DE_FACTO, PUBLIC

from shared.clock import SWEDEN as STOCKHOLM
from shared.clock import local_date  # noqa: F401  (part of the calendar)

# Watches anchored on a date (a report received, a follow-up day) come due at the start
# of that working day, not at midnight, so a reminder is not the night's first e-mail.
MORNING = time(6, 0)


@lru_cache(maxsize=1)
def _swedish_calendar() -> holidays.HolidayBase:
    return holidays.country_holidays("SE", categories=(PUBLIC, DE_FACTO))


def is_business_day(day: date) -> bool:
    return _swedish_calendar().is_working_day(day)


def add_business_days(day: date, n: int) -> date:
    """The n-th business day after `day` (before it when n < 0); `day` itself need not be one."""
    if n == 0:
        return day
    return _swedish_calendar().get_nth_working_day(day, n)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


_DELAY = re.compile(r"^(?P<sign>-)?(?:(?P<months>\d+)m)?(?:(?P<days>\d+)d)?(?:(?P<business_days>\d+)bd)?$")


@dataclass(frozen=True)
class Delay:
    """A span of calendar months, days and business days, written like `3m15d`, `2bd` or `-14d`."""
    months: int = 0
    days: int = 0
    business_days: int = 0

    @classmethod
    def parse(cls, text: str) -> "Delay":
        match = _DELAY.match(text.strip())
        if not match or not any(match.group(g) for g in ("months", "days", "business_days")):
            raise ValueError(f"not a delay: {text!r} (write e.g. 2bd, 10d, 3m15d or -14d)")
        sign = -1 if match.group("sign") else 1
        return cls(*(sign * int(match.group(g) or 0) for g in ("months", "days", "business_days")))

    def from_day(self, day: date) -> date:
        """Months first, then days, then business days."""
        day = add_months(day, self.months) + timedelta(days=self.days)
        return add_business_days(day, self.business_days)

    def from_moment(self, moment: datetime) -> datetime:
        """The same local (Swedish) time of day, on the day the delay leads to."""
        local = moment.astimezone(STOCKHOLM)
        return datetime.combine(self.from_day(local.date()), local.time(), STOCKHOLM)

    def __str__(self) -> str:
        parts = [(self.months, "m"), (self.days, "d"), (self.business_days, "bd")]
        negative = any(v < 0 for v, _ in parts)
        text = "".join(f"{abs(v)}{unit}" for v, unit in parts if v) or "0d"
        return f"-{text}" if negative else text


def morning_of(day: date) -> datetime:
    """The moment a date-anchored watch comes due: the start of that day's work in Sweden."""
    return datetime.combine(day, MORNING, STOCKHOLM)

