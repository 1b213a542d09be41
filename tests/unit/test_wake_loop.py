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



def _notify(loop: WakeLoop, payload: str) -> None:
    """What the listening connection does when PostgreSQL NOTIFYs the loop's channel."""
    loop._notified(None, 0, "channel", payload)


class Rounds:
    """A loop whose rounds (each sleeping until woken: the poll is a minute) are counted and timed,
    running while the block runs, its first round done when the block starts."""

    def __init__(self, hold_seconds: float):
        self.at: list[float] = []
        self.second = asyncio.Event()
        self.loop = WakeLoop("test", pool=None, poll_seconds=60, may_hold=lambda payload: payload == "can wait",
                             hold_seconds=hold_seconds)

    async def _work(self) -> None:
        self.at.append(asyncio.get_running_loop().time())
        if len(self.at) == 2:
            self.second.set()

    async def __aenter__(self) -> "Rounds":
        self._task = asyncio.create_task(self.loop.run(self._work))
        while not self.at:
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *exc) -> None:
        self._task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await self._task


async def test_a_wake_up_that_may_be_held_starts_the_round_only_after_the_hold():
    async with Rounds(hold_seconds=0.3) as rounds:
        notified = asyncio.get_running_loop().time()
        _notify(rounds.loop, "can wait")
        _notify(rounds.loop, "can wait")   # a second one while held: still one round, at the first's hold
        await asyncio.wait_for(rounds.second.wait(), 5)
        assert rounds.at[1] - notified >= 0.29
        await asyncio.sleep(0.5)
        assert len(rounds.at) == 2


async def test_a_wake_up_that_cannot_wait_starts_the_round_at_once_and_takes_the_held_one_along():
    async with Rounds(hold_seconds=30) as rounds:
        _notify(rounds.loop, "can wait")
        await asyncio.sleep(0.2)
        assert len(rounds.at) == 1 and rounds.loop._held is not None   # held: no round yet
        _notify(rounds.loop, "cannot wait")
        await asyncio.wait_for(rounds.second.wait(), 5)   # at once, not 30 s later
        assert rounds.loop._held is None   # the round did the held work too: no later round for it
