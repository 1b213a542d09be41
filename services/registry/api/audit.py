"""The access log per person (loggkontroll): who read what, when and why, in every service."""
from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from services.registry.api.types import DEFAULT_LIMIT, MAX_LIMIT
from services.registry.store import access_log as store
from shared.audit import log_access
from shared.access import Grant
from shared.access.routes import allow
from shared.service import ClockDep, OutboxDep, Pool

router = APIRouter(prefix="/audit", tags=["audit"])


class AccessOut(BaseModel):
    event_id: UUID
    service: str = Field(description="the service that was read, as omsorg/<name>")
    actor: str
    roles: list[str]
    action: str
    resource: str
    reason: str | None
    at: datetime


class AuditOut(BaseModel):
    person_id: UUID
    entries: list[AccessOut] = Field(description="newest first")
    next_before: datetime | None = Field(description="pass as `before` for the next page; null at the end")


@router.get("", response_model=AuditOut, summary="Every read of a person's data, across all services")
async def audit(request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                person_id: UUID = Query(),
                before: datetime | None = Query(None, description="only entries before this time"),
                limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
                user: Grant = allow("registry:audit.read")) -> AuditOut:
    async with pool.acquire() as conn, conn.transaction():
        rows = await store.for_person(conn, person_id, before=before, limit=limit + 1)
        # Reading the log is itself a read of the person's data.
        await log_access(conn, outbox, clock, user, resource=f"audit/person/{person_id}", person_id=person_id,
                         request=request)
    entries = [AccessOut(**dict(r)) for r in rows[:limit]]
    return AuditOut(person_id=person_id, entries=entries,
                    next_before=entries[-1].at if len(rows) > limit else None)
