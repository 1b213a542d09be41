"""The watch's delays over the Swedish calendar of working days (shared/calendar.py). No I/O here."""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from shared.calendar import add_business_days, add_months, is_business_day  # noqa: F401  (part of the calendar)
from shared.clock import SWEDEN as STOCKHOLM
from shared.clock import local_date  # noqa: F401  (part of the calendar)

# Watches anchored on a date (a report received, a follow-up day) come due at the start
# of that working day, not at midnight, so a reminder is not the night's first e-mail.
MORNING = time(6, 0)

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

