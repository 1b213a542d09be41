"""The one wake loop of the background workers: the outbox relay, notify's sender and watch's
scheduler each do a round of work, then sleep until PostgreSQL NOTIFYs their channel (a commit
that gave them work), until something in the process wakes them (`wake()`), or until the poll
interval runs out: the fallback that also picks up whatever a crash left behind.

No step may hang for good on a connection that died under it (PostgreSQL restarting): taking
the listening connection has a time limit, and so has a round where stopping it midway is safe
(`round_seconds`: the relay's, whose events a second publish cannot double, and the scheduler's,
whose batch rolls back); past it the loop starts over on a fresh connection. The notify sender
has none: a mail stopped after the server took it would be sent again.
"""
import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import asyncpg

log = logging.getLogger(__name__)

# The time limit of a round that may safely be stopped midway (see above): a round that hangs
# longer (a connection that died under it) starts over.
ROUND_LIMIT_SECONDS = 60.0

# A round of work; returns how long the loop may sleep at most before the next (None: the poll interval).
Round = Callable[[], Awaitable[float | None]]


class WakeLoop:
    def __init__(self, name: str, pool: asyncpg.Pool, poll_seconds: float, channel: str | None = None,
                 gather_seconds: float = 0.0, round_seconds: float | None = None, connect_seconds: float = 10.0,
                 may_hold: Callable[[str], bool] | None = None, hold_seconds: float = 0.0):
        self.name = name
        # A NOTIFY whose payload `may_hold` accepts wakes the loop only `hold_seconds` later (if
        # nothing else wakes it first), so that work that can wait is done a batch at a time.
        self.may_hold = may_hold
        self.hold_seconds = hold_seconds
        self._held: asyncio.TimerHandle | None = None
        # At most this long for a round of work (None: no limit).
        self.round_seconds = round_seconds
        # At most this long to take a connection from the pool and listen on it.
        self.connect_seconds = connect_seconds
        # How long a woken loop waits before its round, so a burst of commits is one round.
        self.gather_seconds = gather_seconds
        self.pool = pool
        self.poll_seconds = poll_seconds
        self.channel = channel
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    def _notified(self, _connection, _pid, _channel, payload: str) -> None:
        if self.may_hold is None or not self.may_hold(payload):
            self._wake.set()
        elif self._held is None:
            self._held = asyncio.get_running_loop().call_later(self.hold_seconds, self._wake.set)

    async def run(self, work: Round) -> None:
        """Forever: a round of work, then sleep until woken. A lost database connection is
        waited out: the loop listens again on a fresh one."""
        while True:
            try:
                if self.channel is None:
                    while True:
                        await self._round(work)
                else:
                    await self._listen(work)
            except asyncio.CancelledError:
                raise
            except RoundTooLong as exc:
                log.warning("%s: %s; starting over on a fresh connection", self.name, exc)
                await asyncio.sleep(1)
            except Exception as exc:
                log.warning("%s lost its database connection, reconnecting: %r", self.name, exc)
                await asyncio.sleep(1)

    async def _listen(self, work: Round) -> None:
        wake = lambda *_: self._wake.set()  # noqa: E731
        async with self.pool.acquire(timeout=self.connect_seconds) as listener:
            await asyncio.wait_for(listener.add_listener(self.channel, self._notified), self.connect_seconds)
            listener.add_termination_listener(wake)
            try:
                # A listener whose connection died (PostgreSQL restarted) hears nothing:
                # leave the loop and listen on a fresh connection.
                while not listener.is_closed():
                    await self._round(work)
            finally:
                # A connection that died may already be back in the pool: nothing is left to remove.
                with contextlib.suppress(Exception):
                    listener.remove_termination_listener(wake)
                    if not listener.is_closed():
                        await listener.remove_listener(self.channel, self._notified)

    async def _round(self, work: Round) -> None:
        if self.gather_seconds:
            await asyncio.sleep(self.gather_seconds)
        # Cleared before the work: a wake-up that comes while it runs is seen on the next
        # round, not left for the poll. A held wake-up is done with too: the round does its work.
        self._wake.clear()
        if self._held is not None:
            self._held.cancel()
            self._held = None
        try:
            delay = await asyncio.wait_for(work(), self.round_seconds)
        except asyncio.TimeoutError:
            raise RoundTooLong(f"a round took longer than {self.round_seconds:g} s and was stopped") from None
        try:
            await asyncio.wait_for(self._wake.wait(), self.poll_seconds if delay is None else delay)
        except asyncio.TimeoutError:
            pass


class RoundTooLong(Exception):
    """A round of work outlived `round_seconds` (a connection that hangs); it was cancelled."""
