"""Reactions to watch's events: a watch (bevakning) reaches its caseworker in the application, and
its escalation the caseworker's own supervisor (in the application and by e-mail) or else the
unit's supervisors; covers (ersättare) get the absent member's notices too. A watch that asks
for it (`remind_provider`, the two-day reminder of an unconfirmed order) also reminds the
provider by e-mail and webhook."""
from services.notify.usecases import notices
from shared.events import Envelope
from shared.events.catalog import WatchEscalated, WatchRaised
from shared.unit_of_work import UnitOfWork


async def on_watch_raised(uow: UnitOfWork, envelope: Envelope, data: WatchRaised) -> None:
    await notices.notify_watch_raised(uow, envelope.id, envelope.type, data)


async def on_watch_escalated(uow: UnitOfWork, envelope: Envelope, data: WatchEscalated) -> None:
    await notices.notify_watch_escalated(uow, envelope.id, envelope.type, data)


HANDLERS = {"watch.raised": on_watch_raised, "watch.escalated": on_watch_escalated}
