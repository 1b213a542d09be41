"""What the watch tells other services: watch.raised, watch.escalated and watch.resolved, built
from a firing or a resolved watch. Keyed by the subject's id, with the watch's id as the
CloudEvents subject (see `key_of`). No I/O."""
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from services.watch.domain.watches import Trigger
from shared.events.catalog import WatchEscalated, WatchRaised, WatchResolved


def raised(trigger: Trigger, *, watch_id: UUID, trigger_count: int, at: datetime) -> WatchRaised | WatchEscalated:
    thing, rule = trigger.thing, trigger.rule
    common = dict(watch_id=watch_id, kind=str(rule.kind), rule=rule.name, subject_type=str(thing.subject),
                  subject_id=thing.id, case_id=thing.case_id, unit=thing.unit, due_on=trigger.due_on,
                  trigger_count=trigger_count)
    if rule.escalation:
        return WatchEscalated(**common, caseworker=thing.caseworker, supervisor=trigger.supervisor, escalated_at=at)
    facts = thing.facts
    provider = dict(provider_id=facts.get("provider_id"), provider_email=facts.get("provider_email"),
                    provider_webhook_url=facts.get("provider_webhook_url")) if rule.remind_provider else {}
    return WatchRaised(**common, assignee=trigger.assignee, role=trigger.role, raised_at=at,
                       remind_provider=rule.remind_provider, **provider)


def resolved(watch: Mapping[str, Any]) -> WatchResolved:
    """The event of a watch just resolved (a row of the watches table)."""
    return WatchResolved(watch_id=watch["id"], kind=watch["kind"], subject_type=watch["subject_type"],
                         subject_id=watch["subject_id"], case_id=watch["case_id"], assignee=watch["assignee"],
                         unit=watch["unit"], resolution=watch["resolution"], resolved_by=watch["resolved_by"],
                         resolved_at=watch["resolved_at"])


def key_of(event: WatchRaised | WatchEscalated | WatchResolved) -> tuple[str, str]:
    """(Kafka key, CloudEvents subject): the subject's id keeps a subject's events in order;
    the watch's id says which watch the event is about."""
    return str(event.subject_id), str(event.watch_id)
