"""The access log per person (loggkontroll): who read what, when and why, in every service."""
from uuid import UUID

from fastapi import Query

from services.registry.api.models import AuditOut
from services.registry.usecases import audit as usecases
from shared import errors
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.openapi import service_router

router = service_router(prefix="/audit", tags=["audit"])


@router.get("", response_model=AuditOut,
            summary="Every read of a person's data (`person_id`), or everything one member of staff read (`actor`),"
                    " across all services, newest first")
async def audit(uow: UnitOfWorkDep, paging: PageDep, person_id: UUID | None = Query(None),
                actor: str | None = Query(None, min_length=1, max_length=200),
                user: Grant = allow("registry:audit.read")) -> AuditOut:
    """The access log (loggkontroll), gathered from every service: each read of one person's data
    (`person_id`), or everything one member of staff read (`actor`), newest first, with role,
    action, resource and reason. Reading it is itself logged. Supervisors and support. 422
    `person_or_actor` unless exactly one of the two is given."""
    if (person_id is None) == (actor is None):
        raise errors.invalid("person_or_actor", "Ask for one person or one member of staff",
                             "give exactly one of `person_id` and `actor`")
    if person_id is not None:
        return AuditOut.of(await usecases.read_access_log(uow, user, person_id, limit=paging.limit,
                                                          cursor=paging.cursor), person_id=person_id)
    return AuditOut.of(await usecases.read_actor_log(uow, user, actor, limit=paging.limit, cursor=paging.cursor),
                       actor=actor)
