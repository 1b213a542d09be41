"""Reactions to watch's events: a watch (bevakning) and its escalation reach the caseworker and
the supervisors in the application; a watch on an unconfirmed order also reminds the provider.

The fields are read from the event's data by name, with the names watch may use for them,
so that this module follows watch's contract as it settles (order_id, kind, assignee/
caseworker, unit, escalated_to/supervisor).
"""
from typing import Any
from uuid import UUID

import asyncpg

from services.notify.domain import plan
from services.notify.domain.templates import order_link
from services.notify.store import contacts
from services.notify.store import deliveries as store
from shared.events import Envelope
from shared.settings import get_settings


def _first(data: dict[str, Any], *names: str) -> Any:
    for name in names:
        if data.get(name):
            return data[name]
    return None


def _order_id(data: dict[str, Any]) -> UUID | None:
    value = _first(data, "order_id")
    if value is None and str(data.get("subject_type", "")) == "order":
        value = data.get("subject_id")
    return UUID(str(value)) if value else None


async def _on_watch(conn: asyncpg.Connection, envelope: Envelope, template: str) -> None:
    data = envelope.data
    settings = get_settings()
    kind = _first(data, "kind", "reason", "type")
    order_id = _order_id(data)
    contact = await contacts.contact(conn, order_id) if order_id else None
    assignee = _first(data, "assignee", "caseworker", "owner") or (contact.caseworker if contact else None)
    unit = _first(data, "unit") or (contact.unit if contact else None)
    escalated_to = _first(data, "escalated_to", "supervisor")
    link = order_link(settings.public_url, order_id) if order_id else settings.public_url.rstrip("/") + "/watches"
    recipients = plan.watch_recipients(template, assignee, unit, escalated_to)
    deliveries = plan.in_app(envelope.id, envelope.type, template, recipients, kind=kind, link=link,
                             order_id=order_id)
    if template == "watch_raised" and contact and plan.is_unconfirmed_order(kind):
        deliveries += plan.to_provider(envelope.id, envelope.type, "order_reminder", contact, settings.public_url)
    await store.queue(conn, deliveries)


async def on_watch_raised(conn: asyncpg.Connection, envelope: Envelope, data) -> None:
    await _on_watch(conn, envelope, "watch_raised")


async def on_watch_escalated(conn: asyncpg.Connection, envelope: Envelope, data) -> None:
    await _on_watch(conn, envelope, "watch_escalated")


HANDLERS = {"watch.raised": on_watch_raised, "watch.escalated": on_watch_escalated}
