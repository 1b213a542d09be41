"""The occurrence search (förekomstsökning) for court and family-law requests."""
from datetime import date
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from services.registry.api.types import DEFAULT_LIMIT, MAX_LIMIT
from services.registry.domain.persons import valid_pin
from services.registry.store import occurrences as store
from shared.audit import log_access
from shared.access import Grant
from shared.access.routes import allow
from shared.service import ClockDep, OutboxDep, Pool

router = APIRouter(prefix="/occurrences", tags=["occurrences"])


class Occurrence(BaseModel):
    type: Literal["case"] = "case"
    id: UUID
    unit: str
    kind: str
    status: str
    opened_on: date
    closed_on: date | None


class OccurrencesOut(BaseModel):
    pin: str = Field(description="the number as normalized by the validator")
    registered: bool = Field(description="whether a person with this number is in the registry")
    person_id: UUID | None
    scope: str = Field(description="'all units', or the one unit your role may search")
    found: bool
    message: str
    occurrences: list[Occurrence]
    truncated: bool = Field(description="true when there are more than `limit`")


@router.get("", response_model=OccurrencesOut, summary="A person's occurrences in every unit")
async def search(request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                 pin: str = Query(description="personnummer or samordningsnummer"),
                 limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
                 user: Grant = allow("registry:occurrences.search")) -> OccurrencesOut:
    number = valid_pin(pin, clock.today())
    unit = user.unit_filter()
    scope = "all units" if unit is None else f"unit {unit}" if unit else "no unit (your token names none)"
    async with pool.acquire() as conn, conn.transaction():
        rows = await store.search(conn, number.normalized, unit=unit, limit=limit + 1)
        person_id = rows[0]["person_id"] if rows else None
        await log_access(conn, outbox, clock, user, resource="occurrences", person_id=person_id,
                         request=request, action="search")
    found = [Occurrence(**{k: r[k] for k in Occurrence.model_fields if k != "type"}) for r in rows if r["id"]]
    if person_id is None:
        message = "the number is valid; no person with it is registered, so there are no occurrences"
    elif not found:
        message = f"the person is registered and has no occurrences in {scope}"
    else:
        message = f"{min(len(found), limit)} occurrence(s) in {scope}"
    return OccurrencesOut(pin=number.normalized, registered=person_id is not None, person_id=person_id,
                          scope=scope, found=bool(found), message=message, occurrences=found[:limit],
                          truncated=len(found) > limit)
