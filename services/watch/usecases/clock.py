"""Moving the watch's clock forward, in development and tests only, and firing what comes due."""
from collections.abc import Callable
from datetime import datetime
from typing import Protocol, TypeVar

from shared import errors
from shared.clock import AdjustableClock, ClockBackwards
from shared.unit_of_work import UnitOfWork


T = TypeVar("T")


class Timers(Protocol):
    """What fires the timers: the process's scheduler (workers/scheduler.py)."""

    async def after(self, change: Callable[[], T]) -> tuple[T, int]:
        """`change` made while no round of firing runs, then the timers due fired."""
        ...

    def wake(self) -> None: ...


async def move_clock(uow: UnitOfWork, timers: Timers, *, to: datetime) -> tuple[datetime, int]:
    """The clock moved to `to`, never back, and the timers due by then fired before the answer;
    returns the new time and how many timers were taken. The scheduler is woken as well, so it
    sleeps until the next timer by the new time."""
    clock = uow.clock
    if uow.settings.env not in ("dev", "test") or not isinstance(clock, AdjustableClock):
        raise errors.not_found("not_found", "Not Found")
    if to.tzinfo is None:
        raise errors.invalid("time_zone_missing", "The time needs a time zone", "e.g. 2025-04-23T10:00:00+02:00")
    try:
        now, fired = await timers.after(lambda: clock.advance_to(to))
    except ClockBackwards as exc:  # only the move itself: a timer that fails to fire is not this
        raise errors.conflict("clock_backwards", "The clock only moves forward", str(exc)) from exc
    timers.wake()
    return now, fired
