"""Durable timers: firing those that are due, and what the scheduler and the metrics read.

Firing a batch is one unit of work: the due timers are deleted (FOR UPDATE SKIP LOCKED, so
replicas take different timers), their watches raised or updated, and the events written to
the outbox. A failure anywhere before the commit leaves the timers armed; after it, nothing is
left to fire again. Time comes from the unit's clock, so a test can move it.
"""
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg
from opentelemetry import trace

from services.watch.domain import events
from services.watch.domain.rules import Rule, Subject
from services.watch.domain.staff import escalation_supervisor
from services.watch.domain.watches import Trigger, WatchedThing, collapse, fire
from services.watch.store import subjects as subject_store
from services.watch.store import timers as store
from services.watch.store import watches as watch_store
from shared.unit_of_work import UnitOfWork

tracer = trace.get_tracer("omsorg.watch.scheduler")


async def fire_batch(uow: UnitOfWork, rules: dict[str, Rule], *, limit: int) -> int:
    """Take up to `limit` due timers and raise what they raise; returns how many were taken."""
    async with uow:
        now = uow.now()
        due = await store.take_due(uow.conn, now, limit)
        if not due:
            return 0
        # One trace per batch: the events it writes carry it through the outbox to their readers.
        with tracer.start_as_current_span("watch fire timers", attributes={"omsorg.watch.timers": len(due)}):
            await _raise(uow, rules, due, now)
            await uow.flush()  # into the outbox inside the span, so the events carry its trace
        return len(due)


async def _raise(uow: UnitOfWork, rules: dict[str, Rule], due: list[asyncpg.Record], now: datetime) -> None:
    today = uow.today()
    things = {r["id"]: _thing(r, today) for r in
              await subject_store.lock_for_firing(uow.conn, sorted({t["subject_id"] for t in due}))}
    triggers: list[Trigger] = collapse([t for t in (
        fire(rules.get(row["rule"]), things.get(row["subject_id"]), due_on=row["due_on"], now=now)
        for row in due) if t is not None])
    if not triggers:
        return
    stored = await watch_store.raise_many(uow.conn, triggers, now)
    for t in triggers:
        watch = stored[(t.thing.id, str(t.rule.kind))]
        event = events.raised(t, watch_id=watch["id"], trigger_count=watch["trigger_count"], at=now)
        key, subject = events.key_of(event)
        uow.publish(event, key=key, subject=subject)


def _thing(row: asyncpg.Record, today: date) -> WatchedThing | None:
    if not row["known"]:
        return None  # only a settling event has been seen: there is nothing to raise a watch about
    supervisor = escalation_supervisor(
        {"supervisor": row["cw_supervisor"]} if row["cw_supervisor"] else None,
        {"subject": row["sv_subject"], "active_from": row["sv_active_from"], "active_to": row["sv_active_to"]}
        if row["sv_subject"] else None, today)
    return WatchedThing(id=row["id"], subject=Subject(row["type"]), case_id=row["case_id"],
                        caseworker=row["caseworker"], unit=row["unit"], facts=row["facts"] or {},
                        settled=frozenset(row["settled"]), case_closed=row["case_closed"], supervisor=supervisor)


async def next_due(uow: UnitOfWork) -> datetime | None:
    """When the earliest armed timer is due."""
    async with uow:
        return await store.next_due(uow.conn)


@dataclass(frozen=True)
class TimerCounts:
    due: int              # due now and not yet fired
    armed: int            # due now or later
    late_seconds: float   # how late the earliest due one is (0 when none is due)


async def count(uow: UnitOfWork) -> TimerCounts:
    async with uow:
        row = await store.counts(uow.conn, uow.now())
    return TimerCounts(due=row["due"], armed=row["armed"], late_seconds=row["late_seconds"])
