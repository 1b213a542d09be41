"""The registry keeps the access log of every service: it consumes `access.logged` from audit.access."""
from services.registry.usecases import audit
from shared.events import Envelope
from shared.events.catalog import AccessLogged
from shared.unit_of_work import UnitOfWork


async def on_access_logged(uow: UnitOfWork, envelope: Envelope, data: AccessLogged) -> None:
    await audit.record_access(uow, event_id=envelope.id, service=envelope.source, access=data)


HANDLERS = {"access.logged": on_access_logged}
