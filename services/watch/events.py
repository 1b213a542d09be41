"""What the watch tells other services: watch.raised, watch.escalated, watch.resolved, keyed
by the subject's id, written to the outbox in the transaction that changed the watch."""
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg
from pydantic import BaseModel

from services.watch.domain.watches import Trigger
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
    """Write (event, subject id) pairs to the outbox in one statement (a scheduler batch
    raises hundreds); the watch id is the CloudEvents subject."""
    await outbox.add_many(conn, [(data, str(key), str(data.watch_id)) for data, key in events])
