"""The one clock. Services read time only through a Clock so tests can move it."""
from datetime import date, datetime, timezone


class Clock:
    """Wall clock in UTC."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def today(self) -> date:
        return self.now().date()


class AdjustableClock(Clock):
    """A clock that runs with real time plus an offset that may only grow.

    Used in dev and test to move a service forward in time; never backwards,
    because durable timers and audit records assume time does not go back.
    """

    def __init__(self) -> None:
        self._offset = datetime.now(timezone.utc) - datetime.now(timezone.utc)

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self._offset

    def advance_to(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValueError("time must carry a time zone")
        current = self.now()
        if moment < current:
            raise ValueError(f"the clock only moves forward; it is already {current.isoformat()}")
        self._offset += moment - current
        return self.now()
