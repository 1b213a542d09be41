"""Reactions to orders' events: remember each order's provider contact; tell the provider
about a new order and about a recall of an order it had opened."""
from services.notify.usecases import notices
from shared.events import Envelope
from shared.events.catalog import OrderOpened, OrderRecalled, OrderSent
from shared.unit_of_work import UnitOfWork


async def on_order_sent(uow: UnitOfWork, envelope: Envelope, data: OrderSent) -> None:
    await notices.notify_order_sent(uow, envelope.id, envelope.type, data)


async def on_order_opened(uow: UnitOfWork, envelope: Envelope, data: OrderOpened) -> None:
    await notices.remember_order_opened(uow, data)


async def on_order_recalled(uow: UnitOfWork, envelope: Envelope, data: OrderRecalled) -> None:
    await notices.notify_order_recalled(uow, envelope.id, envelope.type, data)


HANDLERS = {"order.sent": on_order_sent, "order.opened": on_order_opened, "order.recalled": on_order_recalled}
