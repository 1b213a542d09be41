"""The scheduler: a worker in the watch process that fires due timers.

Firing a batch is one transaction: the due timers are deleted (FOR UPDATE SKIP LOCKED, so
replicas take different timers), their watches raised or updated, and the events written
to the outbox. A crash anywhere before the commit leaves the timers armed; after it,
nothing is left to fire again. Time comes from the service's clock, so a test can move it.

The scheduler sleeps until the next timer is due, at most `poll_seconds`, and wakes at
once when the clock is moved (POST /admin/clock).

Apart from it, every `metrics_seconds` the timers are counted for the metrics: those due
and not yet fired, all armed ones, and how late the earliest due one is. Counted in a loop
of their own, so a scheduler that is stuck shows as a growing number of due timers.
"""
import asyncio
import logging
from uuid import uuid4

import asyncpg
from fastapi import FastAPI
from opentelemetry import trace

from services.watch import events
from services.watch.config import WatchSettings, get_watch_settings
from services.watch.domain.rules import Rule, Subject
from services.watch.domain.watches import WatchedThing, collapse, fire
from services.watch.handlers import context
from services.watch.store import subjects as subject_store
from services.watch.store import timers as timer_store
from services.watch.store import watches as watch_store
from shared.clock import Clock
from shared.faults import Faults
from shared.metrics import observe
from shared.outbox import Outbox

log = logging.getLogger(__name__)
tracer = trace.get_tracer("omsorg.watch.scheduler")


class Scheduler:
    def __init__(self, pool: asyncpg.Pool, outbox: Outbox, clock: Clock, rules: dict[str, Rule],
                 settings: WatchSettings, faults: Faults):
        self.pool = pool
        self.outbox = outbox
        self.clock = clock
        self.rules = rules
        self.settings = settings
        self.faults = faults
        self._wake = asyncio.Event()
        # Read by the metrics: set by `count_timers`.
        self.timers_due = 0
        self.timers_armed = 0
        self.timers_late_seconds = 0.0

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.fire_due()
                delay = await self._seconds_to_next()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database went away, a deadlock victim: try again
                log.warning("the scheduler could not fire timers, will retry: %s", exc)
                delay = self.settings.poll_seconds
            try:
                await asyncio.wait_for(self._wake.wait(), delay)
            except asyncio.TimeoutError:
                pass

    async def count_timers(self) -> None:
        row = await timer_store.counts(self.pool, self.clock.now())
        self.timers_due, self.timers_armed, self.timers_late_seconds = row["due"], row["armed"], row["late_seconds"]

    async def count_timers_forever(self) -> None:
        while True:
            try:
                await self.count_timers()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database went away: the gauges keep their last values
                log.warning("could not count the timers for the metrics: %s", exc)
            await asyncio.sleep(self.settings.metrics_seconds)

    async def _seconds_to_next(self) -> float:
        next_due = await timer_store.next_due(self.pool)
        if next_due is None:
            return self.settings.poll_seconds
        seconds = (next_due - self.clock.now()).total_seconds()
        return min(max(seconds, 0.0), self.settings.poll_seconds)

    async def fire_due(self) -> int:
        """Fire every timer due now, batch by batch; returns how many were taken."""
        total = 0
        while True:
            taken = await self.fire_batch()
            total += taken
            if taken < self.settings.batch_size:
                return total

    async def fire_batch(self) -> int:
        now = self.clock.now()
        async with self.pool.acquire() as conn, conn.transaction():
            due = await timer_store.take_due(conn, now, self.settings.batch_size)
            if not due:
                return 0
            # One trace per batch: the events it writes carry it through the outbox to their readers.
            with tracer.start_as_current_span("watch fire timers", attributes={"omsorg.watch.timers": len(due)}):
                await self._raise(conn, due, now)
            self.faults.kill_at("watch_fire_before_commit")
            return len(due)

    async def _raise(self, conn: asyncpg.Connection, due: list[asyncpg.Record], now) -> None:
        things = {r["id"]: _thing(r) for r in
                  await subject_store.lock_for_firing(conn, sorted({t["subject_id"] for t in due}))}
        triggers = collapse([t for t in (
            fire(self.rules.get(row["rule"]), things.get(row["subject_id"]), due_on=row["due_on"], now=now)
            for row in due) if t is not None])
        if not triggers:
            return
        stored = await watch_store.raise_many(conn, triggers, [uuid4() for _ in triggers], now)
        await events.publish(conn, self.outbox, [
            (events.raised(t, watch_id=w["id"], trigger_count=w["trigger_count"], at=now), t.thing.id)
            for t in triggers for w in (stored[(t.thing.id, str(t.rule.kind))],)])

def _thing(row: asyncpg.Record) -> WatchedThing | None:
    if not row["known"]:
        return None  # only a settling event has been seen: there is nothing to raise a watch about
    return WatchedThing(id=row["id"], subject=Subject(row["type"]), case_id=row["case_id"],
                        caseworker=row["caseworker"], unit=row["unit"], facts=row["facts"] or {},
                        settled=frozenset(row["settled"]), case_closed=row["case_closed"])


def scheduler_of(app: FastAPI) -> Scheduler:
    """The process's scheduler, made on first use (by the worker or by POST /admin/clock)."""
    scheduler = getattr(app.state, "scheduler", None)
    if scheduler is None:
        settings = get_watch_settings()
        scheduler = Scheduler(app.state.pool, app.state.outbox, app.state.clock, settings.configured_rules(),
                              settings, Faults(app.state.settings.fault))
        app.state.scheduler = scheduler
    return scheduler


def scheduler_worker(app: FastAPI):
    """Service worker: binds the event handlers to this process, then runs the scheduler."""
    scheduler = scheduler_of(app)
    context.bind(context.Context(rules=scheduler.rules, outbox=app.state.outbox, clock=app.state.clock))
    return scheduler.run()


def timer_metrics_worker(app: FastAPI):
    """Service worker: counts the timers for the metrics (omsorg_watch_timers_* in /metrics)."""
    scheduler = scheduler_of(app)
    observe("omsorg.watch.timers.due", "{timer}", "Timers due now and not yet fired",
            lambda: [(scheduler.timers_due, {"service": "watch"})])
    observe("omsorg.watch.timers.armed", "{timer}", "Timers armed, due now or later",
            lambda: [(scheduler.timers_armed, {"service": "watch"})])
    observe("omsorg.watch.timers.late", "s", "How late the earliest due timer is (0 when none is due)",
            lambda: [(scheduler.timers_late_seconds, {"service": "watch"})])
    return scheduler.count_timers_forever()
