"""The tests' clock: the same time the services under test are started with.

`OMSORG_TEST_NOW` (an ISO moment with its offset, e.g. `2026-12-24T00:01+01:00`) plays the whole
run from that moment on: the tests read time here, and every service they start gets the same
offset from real time (`OMSORG_CLOCK_OFFSET_SECONDS`). Unset, it is real time. No test reads
`date.today()` or `datetime.now()` itself.
"""
import os
from datetime import date, datetime, timedelta, timezone

from shared.clock import SWEDEN, local_date


def _offset() -> timedelta:
    text = os.environ.get("OMSORG_TEST_NOW", "").strip()
    if not text:
        return timedelta(0)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SWEDEN)
    return moment - datetime.now(timezone.utc)


OFFSET = _offset()


def now() -> datetime:
    """The current moment of the run, in UTC."""
    return datetime.now(timezone.utc) + OFFSET


def today() -> date:
    """The run's date in Sweden, as the services' `Clock.today()` says it."""
    return local_date(now())


def environ() -> dict[str, str]:
    """What a service process needs to share this clock."""
    return {"OMSORG_CLOCK_OFFSET_SECONDS": f"{OFFSET.total_seconds():.6f}"} if OFFSET else {}


def offset_at(moment: datetime) -> str:
    """OMSORG_CLOCK_OFFSET_SECONDS for a process whose clock reads `moment` now (a fixed moment a
    test plays, such as half past midnight on New Year's Day), whatever the run's clock."""
    return f"{(OFFSET + (moment - now())).total_seconds():.6f}"


class Seconds:
    """A clock in seconds that only the test moves (`clock.now += 59`), for code that takes a
    monotonic clock as a callable (the web's sessions, the rate limit's window)."""

    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now
