"""Moving watch's clock: 409 `clock_backwards` only for a move back; a timer that fails while the
move fires it is that timer's error, not a clock that went back."""
from datetime import timedelta
from types import SimpleNamespace

import pytest

from services.watch.usecases.clock import move_clock
from shared.clock import AdjustableClock
from shared.errors import DomainError


class Timers:
    """Fires nothing, or fails the way a timer's handler might (a model rejecting its data)."""

    def __init__(self, failure: Exception | None = None):
        self.failure, self.woken = failure, False

    async def after(self, change):
        result = change()
        if self.failure:
            raise self.failure
        return result, 0

    def wake(self) -> None:
        self.woken = True


def _uow(clock: AdjustableClock):
    return SimpleNamespace(clock=clock, settings=SimpleNamespace(env="test"))


async def test_a_move_back_is_clock_backwards():
    clock = AdjustableClock()
    with pytest.raises(DomainError) as refused:
        await move_clock(_uow(clock), Timers(), to=clock.now() - timedelta(hours=1))
    assert refused.value.code == "clock_backwards"


async def test_a_timer_failing_while_fired_is_not_called_a_move_back():
    clock = AdjustableClock()
    failure = ValueError("1 validation error for WatchRaised")
    with pytest.raises(ValueError) as raised:
        await move_clock(_uow(clock), Timers(failure), to=clock.now() + timedelta(days=1))
    assert raised.value is failure


async def test_a_move_forward_fires_and_wakes_the_scheduler():
    clock, timers = AdjustableClock(), Timers()
    target = clock.now() + timedelta(days=2)
    now, fired = await move_clock(_uow(clock), timers, to=target)
    assert now >= target and fired == 0 and timers.woken
