"""Watch culls what it holds about a person's cases and inquiries when the registry has approved
their culling, and follows the other services' confirmations of it (a watch for support when they
do not all come in time), and raises a watch for the object specialists when the registry's daily
search finds persons due for culling."""
from services.watch.domain.rules import Rule
from services.watch.usecases import cullings
from shared.consumer import Handler
from shared.events import Envelope
from shared.events.catalog import (
    NotesCulled,
    NotificationsCulled,
    OrdersCulled,
    PersonCullingApproved,
    RetentionDueFound,
)
from shared.unit_of_work import UnitOfWork

Culled = NotesCulled | OrdersCulled | NotificationsCulled


def handlers_for(rules: dict[str, Rule]) -> dict[str, Handler]:
    """The handlers of the culling's events, under the process's configured `rules`."""

    async def on_culling_approved(uow: UnitOfWork, envelope: Envelope, data: PersonCullingApproved) -> None:
        await cullings.cull(uow, rules, data)

    async def on_culled(uow: UnitOfWork, envelope: Envelope, data: Culled) -> None:
        await cullings.confirmed(uow, rules, culling_id=data.culling_id, service=data.service,
                                 resolution=envelope.type, at=data.culled_at)

    async def on_due_found(uow: UnitOfWork, envelope: Envelope, data: RetentionDueFound) -> None:
        await cullings.due_found(uow, rules, data)

    return {"person.culling_approved": on_culling_approved, "notes.culled": on_culled, "orders.culled": on_culled,
            "notifications.culled": on_culled, "retention.due_found": on_due_found}
