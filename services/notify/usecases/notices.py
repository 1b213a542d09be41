"""What other services' events give rise to: the notices are planned (domain/plan.py) and queued
as pending deliveries in the unit of work that also records the event in the inbox, so a
redelivered event never queues a second one. The sender (workers/sender.py) sends them."""
from uuid import UUID

from services.notify.domain import plan
from services.notify.domain.covers import covers_in_force
from services.notify.domain.templates import watch_link
from services.notify.store import contacts, staff
from services.notify.store import deliveries as store
from shared.events.catalog import (
    DeliveryVoided,
    OrderEnded,
    OrderOpened,
    OrderRecalled,
    OrderSent,
    WatchEscalated,
    WatchRaised,
)
from shared.unit_of_work import UnitOfWork


async def notify_order_sent(uow: UnitOfWork, event_id: UUID, event_type: str, data: OrderSent) -> None:
    """Remember the order's provider contact and tell the provider of the new order."""
    contact = plan.ProviderContact(order_id=data.order_id, provider_id=data.provider_id, email=data.provider_email,
                                   webhook_url=data.provider_webhook_url, caseworker=data.caseworker, unit=data.unit)
    async with uow:
        await contacts.remember_order(uow.conn, contact, case_id=data.case_id, at=uow.now(), queuing=plan.to_provider(
            event_id, event_type, "order_sent", contact, uow.settings.public_url))


async def remember_order_opened(uow: UnitOfWork, data: OrderOpened) -> None:
    async with uow:
        await contacts.mark_opened(uow.conn, data.order_id)


async def notify_order_recalled(uow: UnitOfWork, event_id: UUID, event_type: str, data: OrderRecalled) -> None:
    """Tell the provider of a recall of an order it had opened. A provider that never opened the
    order never saw it; for them it is as if it was never sent."""
    if not data.was_opened:
        return
    async with uow:
        known = await contacts.contact(uow.conn, data.order_id)
        contact = plan.ProviderContact(order_id=data.order_id, provider_id=data.provider_id,
                                       email=data.provider_email, webhook_url=data.provider_webhook_url,
                                       caseworker=data.caseworker, unit=known.unit if known else None)
        await store.queue(uow.conn, at=uow.now(), deliveries=plan.to_provider(
                event_id, event_type, "order_recalled", contact, uow.settings.public_url))


async def notify_order_ended(uow: UnitOfWork, event_id: UUID, event_type: str, data: OrderEnded) -> None:
    """Tell the provider that the order ended with its case (they had it: it was sent to them)."""
    await _to_known_provider(uow, event_id, event_type, "order_ended", data.order_id)


async def notify_delivery_voided(uow: UnitOfWork, event_id: UUID, event_type: str, data: DeliveryVoided) -> None:
    """Tell the provider that a report came after the case closed and was voided, and why."""
    await _to_known_provider(uow, event_id, event_type, "delivery_voided", data.order_id)


async def _to_known_provider(uow: UnitOfWork, event_id: UUID, event_type: str, template: str, order_id: UUID) -> None:
    async with uow:
        contact = await contacts.contact(uow.conn, order_id)
        if contact is not None:  # the order was sent, so its contact is known
            await store.queue(uow.conn, at=uow.now(), deliveries=plan.to_provider(
                event_id, event_type, template, contact, uow.settings.public_url))


async def notify_watch_raised(uow: UnitOfWork, event_id: UUID, event_type: str, data: WatchRaised) -> None:
    """A watch reaches its caseworker (or, with none, the unit's supervisors) in the application;
    one that asks for it (`remind_provider`) also reminds the provider by e-mail and webhook."""
    public_url = uow.settings.public_url
    order_id = data.subject_id if data.subject_type == "order" else None
    async with uow:
        recipients = await _with_covers(uow, plan.watch_recipients("watch_raised", data.assignee, data.unit))
        deliveries = plan.in_app(event_id, event_type, "watch_raised", recipients, kind=data.kind,
                                 link=watch_link(public_url, data.subject_type, data.subject_id), order_id=order_id)
        if data.remind_provider and order_id:
            contact = await _contact(uow, order_id, data)
            if contact:
                deliveries += plan.to_provider(event_id, event_type, "order_reminder", contact, public_url)
        await store.queue(uow.conn, deliveries, at=uow.now())


async def notify_watch_escalated(uow: UnitOfWork, event_id: UUID, event_type: str, data: WatchEscalated) -> None:
    """An escalation reaches the caseworker's own supervisor when it names one (in the application,
    and by e-mail to the directory's address when it has one), else the unit's supervisors; and the
    caseworker whose watch it was. Whoever covers one of them today gets the in-app notice too."""
    order_id = data.subject_id if data.subject_type == "order" else None
    link = watch_link(uow.settings.public_url, data.subject_type, data.subject_id)
    async with uow:
        recipients = await _with_covers(uow, plan.watch_recipients("watch_escalated", data.caseworker, data.unit,
                                                                   supervisor=data.supervisor))
        deliveries = plan.in_app(event_id, event_type, "watch_escalated", recipients, kind=data.kind, link=link,
                                 order_id=order_id)
        if data.supervisor:
            entry = await staff.member(uow.conn, data.supervisor)
            if entry is not None and entry["email"]:
                deliveries.append(plan.to_supervisor_by_email(event_id, event_type, entry["email"], kind=data.kind,
                                                              link=link, order_id=order_id))
        await store.queue(uow.conn, deliveries, at=uow.now())


async def _with_covers(uow: UnitOfWork, recipients: list[str]) -> list[str]:
    """The recipients, and for each member among them whoever covers them today (uow.today())."""
    members = [r.removeprefix("user:") for r in recipients if r.startswith("user:")]
    if not members:
        return recipients
    return plan.with_covers(recipients, covers_in_force(await staff.covers_of(uow.conn, members), uow.today()))


async def _contact(uow: UnitOfWork, order_id: UUID, data: WatchRaised) -> plan.ProviderContact | None:
    """The contact the event carries, else the one the order was sent to."""
    if data.provider_email and data.provider_id:
        return plan.ProviderContact(order_id=order_id, provider_id=data.provider_id, email=data.provider_email,
                                    webhook_url=data.provider_webhook_url)
    return await contacts.contact(uow.conn, order_id)
