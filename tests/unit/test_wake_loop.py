"""The wake loop never hangs for good on a round: a round that outlives `round_seconds` is
stopped and the loop goes on; without a limit a slow round is left to finish."""
import asyncio
import logging

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


async def test_a_round_that_hangs_is_stopped_and_the_loop_goes_on(caplog):
    rounds = []
    later_round = asyncio.Event()

    async def work():
        rounds.append(len(rounds))
        if len(rounds) == 1:
            await asyncio.Event().wait()  # a query on a connection that died without a word
        later_round.set()
        return 0.0

    loop = WakeLoop("test", pool=None, poll_seconds=60, round_seconds=0.05)
    with caplog.at_level(logging.WARNING, logger="shared.wake"):
        await _rounds_until(loop, work, later_round, within=5)
    assert len(rounds) >= 2
    # The log says what happened: a round stopped at its limit, not a lost connection.
    messages = [r.getMessage() for r in caplog.records if r.name == "shared.wake"]
    assert any("took longer than 0.05 s" in m for m in messages), messages
    assert not any("lost its database connection" in m for m in messages), messages


async def test_without_a_limit_a_slow_round_finishes():
    finished = asyncio.Event()

    async def work():
        await asyncio.sleep(0.2)
        finished.set()
        return 60.0

    loop = WakeLoop("test", pool=None, poll_seconds=60)
    await _rounds_until(loop, work, finished, within=5)
    assert finished.is_set()



async def test_a_loop_woken_while_its_round_runs_goes_again_at_once():
    """A wake-up during a round (more work committed meanwhile) starts the next round without
    the gathering pause: under a steady stream the pause would come between every two rounds."""
    loop = WakeLoop("test", pool=None, poll_seconds=60, gather_seconds=30)
    ended: list[float] = []
    second = asyncio.Event()

    async def work():
        if not ended:
            loop.wake()
        else:
            second.set()
        ended.append(asyncio.get_running_loop().time())
        return None

    await _rounds_until(loop, work, second, within=5)
    assert len(ended) == 2 and ended[1] - ended[0] < 5


async def test_a_loop_woken_from_idle_gathers_before_its_round():
    """Woken while it waits, the loop pauses `gather_seconds` first, so that a burst of commits is
    one round and not one round each."""
    loop = WakeLoop("test", pool=None, poll_seconds=60, gather_seconds=0.3)
    started: list[float] = []
    second = asyncio.Event()

    async def work():
        started.append(asyncio.get_running_loop().time())
        if len(started) == 2:
            second.set()
        return None

    async def wake_when_idle():
        while not started:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        woken.append(asyncio.get_running_loop().time())
        loop.wake()

    woken: list[float] = []
    waker = asyncio.create_task(wake_when_idle())
    await _rounds_until(loop, work, second, within=5)
    await waker
    assert len(started) == 2 and started[1] - woken[0] >= 0.3
