"""Reactions to watch's events: a watch (bevakning) and its escalation reach the caseworker and
the unit's supervisors in the application; a watch that asks for it (`remind_provider`, the
two-day reminder of an unconfirmed order) also reminds the provider by e-mail and webhook."""
import asyncpg

from services.notify.domain import plan
from services.notify.domain.templates import order_link
from services.notify.store import contacts
from services.notify.store import deliveries as store
from shared.events import Envelope
from shared.unit_of_work import UnitOfWork


def _link(public_url: str, subject_type: str, subject_id) -> str:
    if subject_type == "order":
        return order_link(public_url, subject_id)
    return f"{public_url.rstrip('/')}/watches"


async def on_watch_raised(uow: UnitOfWork, envelope: Envelope, data) -> None:
    conn = uow.conn
    settings = uow.settings
    order_id = data.subject_id if data.subject_type == "order" else None
    deliveries = plan.in_app(envelope.id, envelope.type, "watch_raised",
                             plan.watch_recipients("watch_raised", data.assignee, data.unit), kind=data.kind,
                             link=_link(settings.public_url, data.subject_type, data.subject_id), order_id=order_id)
    if data.remind_provider and order_id:
        contact = await _contact(conn, order_id, data)
        if contact:
            deliveries += plan.to_provider(envelope.id, envelope.type, "order_reminder", contact,
                                           settings.public_url)
    await store.queue(conn, deliveries)


async def _contact(conn: asyncpg.Connection, order_id, data) -> plan.ProviderContact | None:
    """The contact the event carries, else the one the order was sent to."""
    if data.provider_email and data.provider_id:
        return plan.ProviderContact(order_id=order_id, provider_id=data.provider_id, email=data.provider_email,
                                    webhook_url=data.provider_webhook_url)
    return await contacts.contact(conn, order_id)


async def on_watch_escalated(uow: UnitOfWork, envelope: Envelope, data) -> None:
    conn = uow.conn
    settings = uow.settings
    order_id = data.subject_id if data.subject_type == "order" else None
    await store.queue(conn, plan.in_app(
        envelope.id, envelope.type, "watch_escalated",
        plan.watch_recipients("watch_escalated", data.caseworker, data.unit), kind=data.kind,
        link=_link(settings.public_url, data.subject_type, data.subject_id), order_id=order_id))


HANDLERS = {"watch.raised": on_watch_raised, "watch.escalated": on_watch_escalated}
