"""Moving the watch's clock in development and tests. Not mounted in production."""
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from services.watch.usecases import clock
from shared.access import Grant
from shared.access.routes import allow
from shared.api import UnitOfWorkDep
from shared.openapi import service_router

router = service_router(tags=["operations"])


async def _scheduler(request: Request) -> clock.Timers:
    return request.app.state.scheduler


Scheduler = Annotated[clock.Timers, Depends(_scheduler)]


class ClockIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"now": "2026-06-02T08:00:00+02:00"}]})

    now: datetime = Field(description="The new time, with a time zone; never earlier than the clock's")


class ClockOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"now": "2026-06-02T06:00:00Z", "fired": 3}]})

    now: datetime
    fired: int = Field(description="Timers that came due and were fired before this answer")


@router.post("/admin/clock", summary="Move the clock forward (dev and test only) and fire what is due")
async def move_clock(body: ClockIn, uow: UnitOfWorkDep, scheduler: Scheduler,
                     user: Grant = allow("watch:clock.move")) -> ClockOut:
    """Moves the watch service's clock forward to `now` and fires every timer due by then
    before answering, so a test can see watches raised without waiting. For service accounts, in
    the dev and test environments only (404 elsewhere); 422 `time_zone_missing` for a time
    without a time zone, 409 `clock_backwards` for a time before the clock's."""
    now, fired = await clock.move_clock(uow, scheduler, to=body.now)
    return ClockOut(now=now, fired=fired)
