"""The registry keeps the access log of every service: it consumes `access.logged` from audit.access."""

from services.registry.store import access_log as store
from shared.events import Envelope
from shared.events.catalog import AccessLogged
from shared.unit_of_work import UnitOfWork


async def on_access_logged(uow: UnitOfWork, envelope: Envelope, data: AccessLogged) -> None:
    conn = uow.conn
    await store.insert(conn, event_id=envelope.id, service=envelope.source, actor=data.actor, roles=data.roles,
                       action=data.action, resource=data.resource, person_id=data.person_id, reason=data.reason,
                       at=data.at)


HANDLERS = {"access.logged": on_access_logged}
