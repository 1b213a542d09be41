"""What the watch tells other services: watch.raised, watch.escalated, watch.resolved, keyed
by the subject's id, written to the outbox in the transaction that changed the watch."""
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg
from opentelemetry import propagate
from pydantic import BaseModel
from uuid6 import uuid7

from services.watch.domain.watches import Trigger
from shared.events import type_of
from shared.events.catalog import WatchEscalated, WatchRaised, WatchResolved
from shared.outbox import Outbox


def raised(trigger: Trigger, *, watch_id: UUID, trigger_count: int, at: datetime) -> BaseModel:
    thing, rule = trigger.thing, trigger.rule
    common = dict(watch_id=watch_id, kind=str(rule.kind), rule=rule.name, subject_type=str(thing.subject),
                  subject_id=thing.id, case_id=thing.case_id, unit=thing.unit, due_on=trigger.due_on,
                  trigger_count=trigger_count)
    if rule.escalation:
        return WatchEscalated(**common, caseworker=thing.caseworker, escalated_at=at)
    facts = thing.facts
    provider = dict(provider_id=facts.get("provider_id"), provider_email=facts.get("provider_email"),
                    provider_webhook_url=facts.get("provider_webhook_url")) if rule.remind_provider else {}
    return WatchRaised(**common, assignee=trigger.assignee, raised_at=at, remind_provider=rule.remind_provider,
                       **provider)


def resolved(row: asyncpg.Record) -> WatchResolved:
    return WatchResolved(watch_id=row["id"], kind=row["kind"], subject_type=row["subject_type"],
                         subject_id=row["subject_id"], case_id=row["case_id"], assignee=row["assignee"],
                         unit=row["unit"], resolution=row["resolution"], resolved_by=row["resolved_by"],
                         resolved_at=row["resolved_at"])


async def publish(conn: asyncpg.Connection, outbox: Outbox, events: Sequence[tuple[BaseModel, UUID]]) -> None:
    """Write (event, subject id) pairs to the outbox in one round trip.

    The rows are exactly those `Outbox.add` writes, one statement for a batch instead of
    one per event (a scheduler batch raises hundreds); the watch id is the CloudEvents subject.
    """
    if not events:
        return
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    now = outbox.clock.now()
    rows = []
    for data, key in events:
        entry = type_of(data)
        rows.append((uuid7(), entry.topic, str(key), entry.name, outbox.source, str(data.watch_id), now,
                     data.model_dump(mode="json"), carrier))
    await conn.executemany(
        "INSERT INTO outbox (id, topic, key, type, source, subject, time, data, trace_context)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", rows)
