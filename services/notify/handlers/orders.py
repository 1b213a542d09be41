"""Reactions to orders' events: remember each order's provider contact; tell the provider
about a new order, a recall of an order it had opened, an order ended with its case, and a
report voided because it came after the case closed."""
from services.notify.usecases import notices, webhook_keys
from shared.events import Envelope
from shared.events.catalog import (DeliveryVoided, OrderEnded, OrderOpened, OrderRecalled, OrderSent,
                                   ProviderWebhookKeyRotated)
from shared.unit_of_work import UnitOfWork


async def on_order_sent(uow: UnitOfWork, envelope: Envelope, data: OrderSent) -> None:
    await notices.notify_order_sent(uow, envelope.id, envelope.type, data)


async def on_order_opened(uow: UnitOfWork, envelope: Envelope, data: OrderOpened) -> None:
    await notices.remember_order_opened(uow, data)


async def on_order_recalled(uow: UnitOfWork, envelope: Envelope, data: OrderRecalled) -> None:
    await notices.notify_order_recalled(uow, envelope.id, envelope.type, data)


async def on_order_ended(uow: UnitOfWork, envelope: Envelope, data: OrderEnded) -> None:
    await notices.notify_order_ended(uow, envelope.id, envelope.type, data)


async def on_delivery_voided(uow: UnitOfWork, envelope: Envelope, data: DeliveryVoided) -> None:
    await notices.notify_delivery_voided(uow, envelope.id, envelope.type, data)


async def on_webhook_key_rotated(uow: UnitOfWork, envelope: Envelope, data: ProviderWebhookKeyRotated) -> None:
    await webhook_keys.remember_rotation(uow, data)


HANDLERS = {"order.sent": on_order_sent, "order.opened": on_order_opened, "order.recalled": on_order_recalled,
            "order.ended": on_order_ended, "delivery.voided": on_delivery_voided,
            "provider.webhook_key_rotated": on_webhook_key_rotated}
