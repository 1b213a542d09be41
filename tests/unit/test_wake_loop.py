"""The wake loop never hangs for good on a round: a round that outlives `round_seconds` is
stopped and the loop goes on; without a limit a slow round is left to finish."""
import asyncio

import pytest

from shared.wake import WakeLoop


async def _rounds_until(loop: WakeLoop, work, count: asyncio.Event, within: float) -> None:
    task = asyncio.create_task(loop.run(work))
    try:
        await asyncio.wait_for(count.wait(), within)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_a_round_that_hangs_is_stopped_and_the_loop_goes_on():
    rounds = []
    later_round = asyncio.Event()

    async def work():
        rounds.append(len(rounds))
        if len(rounds) == 1:
            await asyncio.Event().wait()  # a query on a connection that died without a word
        later_round.set()
        return 0.0

    loop = WakeLoop("test", pool=None, poll_seconds=60, round_seconds=0.05)
    await _rounds_until(loop, work, later_round, within=5)
    assert len(rounds) >= 2


async def test_without_a_limit_a_slow_round_finishes():
    finished = asyncio.Event()

    async def work():
        await asyncio.sleep(0.2)
        finished.set()
        return 60.0

    loop = WakeLoop("test", pool=None, poll_seconds=60)
    await _rounds_until(loop, work, finished, within=5)
    assert finished.is_set()

