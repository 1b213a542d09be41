"""Reactions to orders' events: remember each order's provider contact; tell the provider
about a new order and about a recall of an order it had opened."""
import asyncpg

from services.notify.domain import plan
from services.notify.store import contacts
from services.notify.store import deliveries as store
from shared.events import Envelope
from shared.events.catalog import OrderOpened, OrderRecalled, OrderSent
from shared.settings import get_settings


async def on_order_sent(conn: asyncpg.Connection, envelope: Envelope, data: OrderSent) -> None:
    contact = await contacts.remember_order(
        conn, order_id=data.order_id, case_id=data.case_id, provider_id=data.provider_id, email=data.provider_email,
        webhook_url=data.provider_webhook_url, caseworker=data.caseworker, unit=data.unit)
    await store.queue(conn, plan.to_provider(envelope.id, envelope.type, "order_sent", contact,
                                             get_settings().public_url))


async def on_order_opened(conn: asyncpg.Connection, envelope: Envelope, data: OrderOpened) -> None:
    await contacts.mark_opened(conn, data.order_id)


async def on_order_recalled(conn: asyncpg.Connection, envelope: Envelope, data: OrderRecalled) -> None:
    # A provider that never opened the order never saw it; for them it is as if it was never sent.
    if not data.was_opened:
        return
    known = await contacts.contact(conn, data.order_id)
    contact = plan.ProviderContact(order_id=data.order_id, provider_id=data.provider_id, email=data.provider_email,
                                   webhook_url=data.provider_webhook_url, caseworker=data.caseworker,
                                   unit=known.unit if known else None)
    await store.queue(conn, plan.to_provider(envelope.id, envelope.type, "order_recalled", contact,
                                             get_settings().public_url))


HANDLERS = {"order.sent": on_order_sent, "order.opened": on_order_opened, "order.recalled": on_order_recalled}
