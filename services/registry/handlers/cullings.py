"""The registry records each service's confirmation that it culled what it held about a person."""
from services.registry.usecases import retention
from shared.events import Envelope
from shared.events.catalog import NotesCulled, OrdersCulled, WatchesCulled
from shared.unit_of_work import UnitOfWork


async def on_culled(uow: UnitOfWork, envelope: Envelope, data: NotesCulled | OrdersCulled | WatchesCulled) -> None:
    await retention.confirmed(uow, culling_id=data.culling_id, service=data.service, counts=data.counts,
                              confirmed_at=data.culled_at)


HANDLERS = {"notes.culled": on_culled, "orders.culled": on_culled, "watches.culled": on_culled}
