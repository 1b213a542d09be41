"""The Swedish calendar of working days and statutory time. No I/O here.

Weekends and public holidays (lag 1989:253 om allmänna helgdagar) are not working days, nor
midsommarafton, julafton and nyårsafton. The same days end no statutory period: a deadline set
by law that falls on one of them moves to the next working day (lag 1930:173 om beräkning av
lagstadgad tid, 2 §; docs/law.md). The holidays come from the `holidays` library.
"""
import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays
from holidays.constants import DE_FACTO, PUBLIC


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
    """The same day `months` later, or that month's last day when it has no such day
    (lag 1930:173, 1 §: a period of months ends on the day of the same number)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def statutory_deadline(last_day: date) -> date:
    """The day a statutory period ends: `last_day`, or the next working day when it is a
    Saturday, Sunday, public holiday, midsommarafton, julafton or nyårsafton (1930:173, 2 §)."""
    day = last_day
    while not is_business_day(day):
        day += timedelta(days=1)
    return day
