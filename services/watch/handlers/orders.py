"""Reactions to orders' events: a sent order arms its reminder and escalation; a
confirmation, recall or rejection settles them; a start carries out the decision."""
from services.watch.domain.rules import Rule
from services.watch.usecases import subjects
from shared.consumer import Handler
from shared.events import Envelope
from shared.events.catalog import OrderConfirmed, OrderEnded, OrderRecalled, OrderRejected, OrderSent, OrderStarted
from shared.unit_of_work import UnitOfWork


def handlers_for(rules: dict[str, Rule]) -> dict[str, Handler]:
    """The handlers of orders' events, under the process's configured `rules`."""

    async def on_order_sent(uow: UnitOfWork, envelope: Envelope, data: OrderSent) -> None:
        await subjects.follow_order(uow, rules, data)

    async def on_order_confirmed(uow: UnitOfWork, envelope: Envelope, data: OrderConfirmed) -> None:
        await subjects.settle_order(uow, rules, data.order_id, resolution=envelope.type, at=data.confirmed_at)

    async def on_order_recalled(uow: UnitOfWork, envelope: Envelope, data: OrderRecalled) -> None:
        await subjects.settle_order(uow, rules, data.order_id, resolution=envelope.type, at=data.recalled_at)

    async def on_order_ended(uow: UnitOfWork, envelope: Envelope, data: OrderEnded) -> None:
        await subjects.settle_order(uow, rules, data.order_id, resolution=envelope.type, at=data.ended_at)

    async def on_order_rejected(uow: UnitOfWork, envelope: Envelope, data: OrderRejected) -> None:
        await subjects.settle_order(uow, rules, data.order_id, resolution=envelope.type, at=data.rejected_at)

    async def on_order_started(uow: UnitOfWork, envelope: Envelope, data: OrderStarted) -> None:
        await subjects.order_started(uow, rules, data, resolution=envelope.type)

    return {"order.sent": on_order_sent, "order.confirmed": on_order_confirmed,
            "order.recalled": on_order_recalled, "order.rejected": on_order_rejected,
            "order.started": on_order_started, "order.ended": on_order_ended}
