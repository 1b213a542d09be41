"""Moving the watch's clock in development and tests. Not mounted in production."""
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from services.watch.usecases import clock
from shared.access import Grant
from shared.access.routes import allow
from shared.api import UnitOfWorkDep

router = APIRouter(tags=["operations"])


async def _scheduler(request: Request) -> clock.Timers:
    return request.app.state.scheduler


Scheduler = Annotated[clock.Timers, Depends(_scheduler)]


class ClockIn(BaseModel):
    now: datetime = Field(description="The new time, with a time zone; never earlier than the clock's")


class ClockOut(BaseModel):
    now: datetime
    fired: int = Field(description="Timers that came due and were fired before this answer")


@router.post("/admin/clock", summary="Move the clock forward (dev and test only) and fire what is due")
async def move_clock(body: ClockIn, uow: UnitOfWorkDep, scheduler: Scheduler,
                     user: Grant = allow("watch:clock.move")) -> ClockOut:
    now, fired = await clock.move_clock(uow, scheduler, to=body.now)
    return ClockOut(now=now, fired=fired)
