"""The registry records each service's confirmation that it culled what it held about a person."""
from services.registry.usecases import retention
from shared.events import Envelope
from shared.events.catalog import NotesCulled, NotificationsCulled, OrdersCulled, WatchesCulled
from shared.unit_of_work import UnitOfWork


Culled = NotesCulled | OrdersCulled | WatchesCulled | NotificationsCulled


async def on_culled(uow: UnitOfWork, envelope: Envelope, data: Culled) -> None:
    await retention.confirmed(uow, culling_id=data.culling_id, service=data.service, counts=data.counts,
                              confirmed_at=data.culled_at)


HANDLERS = {event_type: on_culled
            for event_type in ("notes.culled", "orders.culled", "watches.culled", "notifications.culled")}
