"""The journal culls a person's notes when the registry has approved their culling."""
from services.journal.usecases import cullings
from shared.events import Envelope
from shared.events.catalog import PersonCullingApproved
from shared.unit_of_work import UnitOfWork


async def on_culling_approved(uow: UnitOfWork, envelope: Envelope, data: PersonCullingApproved) -> None:
    await cullings.cull(uow, culling_id=data.culling_id, person_id=data.person_id, person_ref=data.person_ref)


HANDLERS = {"person.culling_approved": on_culling_approved}
