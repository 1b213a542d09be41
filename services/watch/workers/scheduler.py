"""The scheduler: a worker in the watch process that fires due timers, batch by batch, each
batch one unit of work (usecases/timers.py).

It sleeps until the next timer is due, at most `poll_seconds`, and wakes at once when the
clock is moved (POST /admin/clock, which also fires what came due before it answers). A round
and a move of the clock never overlap, so what a move brings due is counted by the move.
"""
import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import FastAPI

from services.watch.domain.rules import Rule
from services.watch.domain.watches import seconds_to_sleep
from services.watch.settings import WatchSettings
from services.watch.usecases import timers
from shared.faults import Faults
from shared.unit_of_work import Work
from shared.wake import ROUND_LIMIT_SECONDS, WakeLoop

log = logging.getLogger(__name__)
T = TypeVar("T")


class Scheduler:
    def __init__(self, work: Work, rules: dict[str, Rule], settings: WatchSettings, faults: Faults):
        self.work = work
        self.rules = rules
        self.settings = settings
        self.faults = faults
        # A round stopped midway is safe: its open batch rolls back and is fired again.
        self._loop = WakeLoop("watch scheduler", work.pool, settings.poll_seconds, round_seconds=ROUND_LIMIT_SECONDS)
        self._firing = asyncio.Lock()  # one round or one move of the clock at a time

    def wake(self) -> None:
        self._loop.wake()

    async def run(self) -> None:
        await self._loop.run(self._round)

    async def _round(self) -> float | None:
        try:
            async with self._firing:
                await self.fire_due()
            return seconds_to_sleep(await timers.next_due(self.work()), self.work.clock.now(),
                                    self.settings.poll_seconds)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database went away, a deadlock victim: try again after the poll
            log.warning("the scheduler could not fire timers, will retry: %s", exc)
            return None

    async def after(self, change: Callable[[], T]) -> tuple[T, int]:
        """`change` (moving the clock) made while no round runs, then every timer due fired;
        returns what `change` returned and how many timers were taken."""
        async with self._firing:
            result = change()
            return result, await self.fire_due()

    async def fire_due(self) -> int:
        """Fire every timer due now, batch by batch; returns how many were taken."""
        total = 0
        while True:
            taken = await self.fire_batch()
            total += taken
            if taken < self.settings.batch_size:
                return total

    async def fire_batch(self) -> int:
        uow = self.work()
        async with uow:
            taken = await timers.fire_batch(uow, self.rules, limit=self.settings.batch_size)
            if taken:
                self.faults.kill_at("watch_fire_before_commit")
        return taken


def scheduler_worker(rules: dict[str, Rule], settings: WatchSettings,
                     faults: Faults) -> Callable[[FastAPI], Awaitable[None]]:
    """The service's worker: at start, the process's scheduler, kept in the app's state for
    POST /admin/clock, and then its loop."""
    def start(app: FastAPI) -> Awaitable[None]:
        scheduler = Scheduler(app.state.work, rules, settings, faults)
        app.state.scheduler = scheduler
        return scheduler.run()
    return start
