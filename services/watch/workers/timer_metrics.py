"""Every `metrics_seconds` the timers are counted for the metrics (omsorg_watch_timers_* in
/metrics): those due and not yet fired, all armed ones, and how late the earliest due one is.
Counted in a loop of their own, so a scheduler that is stuck shows as a growing number of due
timers."""
import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI

from services.watch.settings import WatchSettings
from services.watch.usecases import timers
from shared.metrics import observe
from shared.unit_of_work import Work
from shared.wake import WakeLoop

log = logging.getLogger(__name__)


class TimerMetrics:
    def __init__(self, work: Work, seconds: float):
        self.work = work
        self.counts = timers.TimerCounts(due=0, armed=0, late_seconds=0.0)
        self.counted_at = 0.0  # epoch seconds of the last count; stops moving while the database is away
        self._loop = WakeLoop("watch timer metrics", work.pool, seconds)

    def observe(self) -> None:
        observe("omsorg.watch.timers.due", "{timer}", "Timers due now and not yet fired",
                lambda: [(self.counts.due, {"service": "watch"})])
        observe("omsorg.watch.timers.armed", "{timer}", "Timers armed, due now or later",
                lambda: [(self.counts.armed, {"service": "watch"})])
        observe("omsorg.watch.timers.late", "s", "How late the earliest due timer is (0 when none is due)",
                lambda: [(self.counts.late_seconds, {"service": "watch"})])
        observe("omsorg.watch.timers.measured_time", "s", "When the timers were last counted (Unix time; 0: never)",
                lambda: [(self.counted_at, {"service": "watch"})])

    async def run(self) -> None:
        await self._loop.run(self._count)

    async def _count(self) -> None:
        try:
            self.counts = await timers.count(self.work())
            self.counted_at = time.time()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database went away: the gauges keep their last values, the count time stops
            log.warning("could not count the timers for the metrics: %s", exc)


def timer_metrics_worker(settings: WatchSettings) -> Callable[[FastAPI], Awaitable[None]]:
    """The service's worker: the gauges, then the counting loop."""
    def start(app: FastAPI) -> Awaitable[None]:
        metrics = TimerMetrics(app.state.work, settings.metrics_seconds)
        metrics.observe()
        return metrics.run()
    return start
