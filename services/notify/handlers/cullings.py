"""Notify culls what it holds about a person's orders when the registry has approved their culling."""
from services.notify.usecases import cullings
from shared.events import Envelope
from shared.events.catalog import PersonCullingApproved
from shared.unit_of_work import UnitOfWork


async def on_culling_approved(uow: UnitOfWork, envelope: Envelope, data: PersonCullingApproved) -> None:
    await cullings.cull(uow, culling_id=data.culling_id, case_ids=data.case_ids)


HANDLERS = {"person.culling_approved": on_culling_approved}
