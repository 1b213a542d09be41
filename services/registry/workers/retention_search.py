"""The daily search for persons due for culling (gallring), as a durable timer in the registry:
a loop that wakes at most every OMSORG_RETENTION_SEARCH_POLL_SECONDS and, from 06:00 Swedish
time, runs the day's search once (usecases.retention.scheduled_search; the day is a row of
retention_searches, so a restart neither skips nor repeats it). Not cron: it lives and dies with
the service, and a day the service was down is searched when it is back up the same day."""
import asyncio
import logging
from collections.abc import Awaitable

from fastapi import FastAPI

from services.registry.domain.retention import seconds_to_search
from services.registry.usecases import retention
from shared.unit_of_work import Work
from shared.wake import ROUND_LIMIT_SECONDS, WakeLoop

log = logging.getLogger(__name__)


class RetentionSearch:
    def __init__(self, work: Work):
        self.work = work
        self.poll_seconds = work.settings.retention_search_poll_seconds
        self._loop = WakeLoop("registry retention search", work.pool, self.poll_seconds,
                              round_seconds=ROUND_LIMIT_SECONDS)

    async def run(self) -> None:
        await self._loop.run(self._round)

    async def _round(self) -> float | None:
        try:
            due = await retention.scheduled_search(self.work(), official=self.work.settings.retention_official)
            if due is not None:
                log.info("the day's search for persons due for culling found %d", due)
            clock = self.work.clock
            return seconds_to_search(clock.now(), clock.today(), self.poll_seconds)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database went away: try again after the poll
            log.warning("the search for persons due for culling failed, will retry: %s", exc)
            return None


def retention_search_worker(app: FastAPI) -> Awaitable[None]:
    return RetentionSearch(app.state.work).run()
