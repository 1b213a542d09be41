"""The one clock. Services read time only through a Clock so tests can move it.

Moments are UTC; every date the law or a person means (received, decided, due, delivered,
reported) is the calendar date in Sweden, `Clock.today()`, which differs from the UTC date
for an hour or two after midnight.
"""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")


def local_date(moment: datetime) -> date:
    """The Swedish calendar date of a moment."""
    if moment.tzinfo is None:
        raise ValueError("time must carry a time zone")
    return moment.astimezone(SWEDEN).date()


class Clock:
    """Wall clock in UTC; `today()` is the date in Sweden."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def today(self) -> date:
        return local_date(self.now())


class ClockBackwards(ValueError):
    """An adjustable clock asked to move back."""


class AdjustableClock(Clock):
    """A clock that runs with real time plus an offset that, once set, may only grow.

    Used in dev and test: a service starts `offset` away from real time (OMSORG_CLOCK_OFFSET_SECONDS,
    so a whole test run can be played on julafton or a Saturday) and may be moved forward, never
    backwards, because durable timers and audit records assume time does not go back.
    """

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self._offset = offset

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self._offset

    def advance_to(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValueError("time must carry a time zone")
        current = self.now()
        if moment < current:
            raise ClockBackwards(f"the clock only moves forward; it is already {current.isoformat()}")
        self._offset += moment - current
        return self.now()
