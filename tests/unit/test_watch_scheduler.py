"""The scheduler's rounds and a move of the clock never overlap: a move made while a round is
firing waits for the round, so the timers the move brings due are fired and counted by the move
(POST /admin/clock answers how many it fired)."""
import asyncio
from types import SimpleNamespace

from services.watch.workers.scheduler import Scheduler


class Work:
    pool = None
    clock = None


def scheduler(batch_size: int = 10) -> Scheduler:
    return Scheduler(Work(), {}, SimpleNamespace(poll_seconds=60, batch_size=batch_size), faults=None)


async def test_a_move_of_the_clock_waits_for_a_round_in_progress_and_counts_what_it_brings_due():
    s = scheduler()
    due = {"now": 0}                       # timers due by the clock's current time
    round_inside, round_may_end = asyncio.Event(), asyncio.Event()

    async def fire_batch() -> int:
        taken, due["now"] = due["now"], 0
        if not round_inside.is_set():      # the first batch is the background round's
            round_inside.set()
            await round_may_end.wait()
        return taken
    s.fire_batch = fire_batch

    async def background_round():
        async with s._firing:
            return await s.fire_due()
    background = asyncio.create_task(background_round())
    await asyncio.wait_for(round_inside.wait(), 5)

    def move_clock():
        due["now"] = 4                     # moving the clock brings four timers due
        return "moved"
    move = asyncio.create_task(s.after(move_clock))
    await asyncio.sleep(0.05)
    assert due["now"] == 0 and not move.done(), "the clock moved while a round was firing"
    round_may_end.set()
    assert await background == 0
    assert await move == ("moved", 4)


async def test_a_move_fires_batch_after_batch_until_a_short_one():
    s = scheduler(batch_size=3)
    batches = [3, 3, 1]

    async def fire_batch() -> int:
        return batches.pop(0)
    s.fire_batch = fire_batch
    assert await s.after(lambda: None) == (None, 7)
    assert batches == []
