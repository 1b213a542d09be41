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

