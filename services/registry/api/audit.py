"""The access log per person (loggkontroll): who read what, when and why, in every service."""
from uuid import UUID

from fastapi import APIRouter, Query

from services.registry.api.models import AuditOut
from services.registry.usecases import audit as usecases
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=AuditOut, summary="Every read of a person's data, across all services, newest first")
async def audit(uow: UnitOfWorkDep, paging: PageDep, person_id: UUID = Query(),
                user: Grant = allow("registry:audit.read")) -> AuditOut:
    return AuditOut.of(person_id, await usecases.read_access_log(uow, user, person_id, limit=paging.limit,
                                                                 cursor=paging.cursor))
