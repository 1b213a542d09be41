"""Reactions to orders' events: remember each order's provider contact; tell the provider
about a new order and about a recall of an order it had opened."""

from services.notify.domain import plan
from services.notify.store import contacts
from services.notify.store import deliveries as store
from shared.events import Envelope
from shared.events.catalog import OrderOpened, OrderRecalled, OrderSent
from shared.unit_of_work import UnitOfWork


async def on_order_sent(uow: UnitOfWork, envelope: Envelope, data: OrderSent) -> None:
    conn = uow.conn
    contact = await contacts.remember_order(
        conn, order_id=data.order_id, case_id=data.case_id, provider_id=data.provider_id, email=data.provider_email,
        webhook_url=data.provider_webhook_url, caseworker=data.caseworker, unit=data.unit)
    await store.queue(conn, plan.to_provider(envelope.id, envelope.type, "order_sent", contact,
                                             uow.settings.public_url))


async def on_order_opened(uow: UnitOfWork, envelope: Envelope, data: OrderOpened) -> None:
    conn = uow.conn
    await contacts.mark_opened(conn, data.order_id)


async def on_order_recalled(uow: UnitOfWork, envelope: Envelope, data: OrderRecalled) -> None:
    conn = uow.conn
    # A provider that never opened the order never saw it; for them it is as if it was never sent.
    if not data.was_opened:
        return
    known = await contacts.contact(conn, data.order_id)
    contact = plan.ProviderContact(order_id=data.order_id, provider_id=data.provider_id, email=data.provider_email,
                                   webhook_url=data.provider_webhook_url, caseworker=data.caseworker,
                                   unit=known.unit if known else None)
    await store.queue(conn, plan.to_provider(envelope.id, envelope.type, "order_recalled", contact,
                                             uow.settings.public_url))


HANDLERS = {"order.sent": on_order_sent, "order.opened": on_order_opened, "order.recalled": on_order_recalled}
