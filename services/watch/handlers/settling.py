"""Settling a subject's track: its pending timers will raise nothing, its open watches are
resolved by the event that settled them, and each resolution is published."""
from datetime import datetime
from uuid import UUID

import asyncpg

from services.watch import events
from services.watch.domain.rules import Subject, Track, kinds_of
from services.watch.handlers.context import current
from services.watch.store import subjects, watches

SYSTEM = "system"


async def settle(conn: asyncpg.Connection, *, subject_id: UUID, subject: Subject, track: Track,
                 resolution: str, at: datetime) -> None:
    """Idempotent, and in any order: settling before the subject is known (or before its
    watch fired) leaves a mark that makes the later timer raise nothing."""
    ctx = current()
    # The subject's row lock first, then the watches: the scheduler takes them in that order too.
    await subjects.settle(conn, id=subject_id, type=str(subject), track=str(track))
    rows = await watches.resolve_settled(conn, subject_id=subject_id, kinds=[str(k) for k in kinds_of(ctx.rules, track)],
                                         at=at, by=SYSTEM, resolution=resolution)
    await events.publish(conn, ctx.outbox, [(events.resolved(r), r["subject_id"]) for r in rows])


async def close_case(conn: asyncpg.Connection, *, case_id: UUID, closed_on, at: datetime) -> None:
    ctx = current()
    await subjects.close_case(conn, case_id=case_id, closed_on=closed_on)
    rows = await watches.resolve_case(conn, case_id=case_id, at=at, by=SYSTEM, resolution="case.closed")
    await events.publish(conn, ctx.outbox, [(events.resolved(r), r["subject_id"]) for r in rows])
