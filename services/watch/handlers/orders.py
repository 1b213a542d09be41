"""Reactions to orders' events: a sent order arms its reminder and escalation; a
confirmation, recall or rejection settles them; a start carries out the decision."""

from services.watch.domain.rules import Subject, Track
from services.watch.domain.watches import order_timers
from services.watch.handlers.context import current
from services.watch.handlers.settling import settle
from services.watch.store import decisions, subjects, timers
from shared.events import Envelope
from shared.events.catalog import OrderConfirmed, OrderRecalled, OrderRejected, OrderSent, OrderStarted
from shared.unit_of_work import UnitOfWork


async def on_order_sent(uow: UnitOfWork, envelope: Envelope, data: OrderSent) -> None:
    conn = uow.conn
    await subjects.record(conn, id=data.order_id, type=Subject.ORDER, case_id=data.case_id,
                          caseworker=data.caseworker, unit=data.unit,
                          facts={"provider_id": str(data.provider_id), "provider_email": data.provider_email,
                                 "provider_webhook_url": data.provider_webhook_url,
                                 "decision_id": str(data.decision_id), "intervention": data.intervention,
                                 "sent_at": data.sent_at.isoformat()})
    await timers.arm(conn, data.order_id, order_timers(current().rules, data.sent_at))


async def _settle_order(conn, envelope: Envelope, data, at) -> None:
    await settle(conn, subject_id=data.order_id, subject=Subject.ORDER, track=Track.CONFIRMATION,
                 resolution=envelope.type, at=at)


async def on_order_confirmed(uow: UnitOfWork, envelope: Envelope, data: OrderConfirmed) -> None:
    conn = uow.conn
    await _settle_order(conn, envelope, data, data.confirmed_at)


async def on_order_recalled(uow: UnitOfWork, envelope: Envelope, data: OrderRecalled) -> None:
    conn = uow.conn
    await _settle_order(conn, envelope, data, data.recalled_at)


async def on_order_rejected(uow: UnitOfWork, envelope: Envelope, data: OrderRejected) -> None:
    conn = uow.conn
    await _settle_order(conn, envelope, data, data.rejected_at)


async def on_order_started(uow: UnitOfWork, envelope: Envelope, data: OrderStarted) -> None:
    """A started order is confirmed in fact, and its decision is carried out (verkställt)."""
    conn = uow.conn
    await _settle_order(conn, envelope, data, data.started_at)
    await decisions.mark_executed(conn, decision_id=data.decision_id, on=data.started_on)
    await settle(conn, subject_id=data.decision_id, subject=Subject.DECISION, track=Track.EXECUTION,
                 resolution=envelope.type, at=data.started_at)


HANDLERS = {"order.sent": on_order_sent, "order.confirmed": on_order_confirmed,
            "order.recalled": on_order_recalled, "order.rejected": on_order_rejected,
            "order.started": on_order_started}
