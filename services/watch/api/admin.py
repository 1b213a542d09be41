"""Moving the watch's clock in development and tests. Not mounted in production."""
from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from services.watch.scheduler import scheduler_of
from shared import errors
from shared.access import Grant
from shared.access.routes import allow
from shared.clock import AdjustableClock

router = APIRouter(tags=["operations"])


class ClockIn(BaseModel):
    now: datetime = Field(description="The new time, with a time zone; never earlier than the clock's")


class ClockOut(BaseModel):
    now: datetime
    fired: int = Field(description="Timers that came due and were fired before this answer")


@router.post("/admin/clock", summary="Move the clock forward (dev and test only) and fire what is due")
async def move_clock(body: ClockIn, request: Request, user: Grant = allow("watch:clock.move")) -> ClockOut:
    clock = request.app.state.clock
    if request.app.state.settings.env not in ("dev", "test") or not isinstance(clock, AdjustableClock):
        raise errors.not_found("not_found", "Not Found")
    if body.now.tzinfo is None:
        raise errors.invalid("time_zone_missing", "The time needs a time zone", "e.g. 2025-04-23T10:00:00+02:00")
    try:
        now = clock.advance_to(body.now)
    except ValueError as exc:
        raise errors.conflict("clock_backwards", "The clock only moves forward", str(exc)) from exc
    scheduler = scheduler_of(request.app)
    fired = await scheduler.fire_due()
    scheduler.wake()
    return ClockOut(now=now, fired=fired)
