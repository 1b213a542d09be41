"""HTTP routes for a citizen's own cases and decisions (mina ärenden, mina beslut).

The person is the one whose personal identity number the token names (claim `pin`);
every read is logged like any other read of a person's data."""
from datetime import date
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from services.registry.api.types import DEFAULT_LIMIT, MAX_LIMIT
from services.registry.domain.cases import CaseKind, CaseStatus
from services.registry.domain.persons import valid_pin
from services.registry.domain.process import Outcome
from services.registry.store import cases as store
from services.registry.store import persons as person_store
from shared import errors
from shared.access import Grant
from shared.access.routes import allow
from shared.audit import log_access
from shared.service import ClockDep, OutboxDep, Pool

router = APIRouter(prefix="/me", tags=["citizen"])


class MyCase(BaseModel):
    id: UUID
    unit: str
    kind: CaseKind
    status: CaseStatus
    opened_on: date
    closed_on: date | None


class MyDecision(BaseModel):
    id: UUID
    case_id: UUID
    outcome: Outcome
    intervention: str
    valid_from: date
    valid_to: date | None
    decided_on: date


async def _person_id(conn, user: Grant, clock) -> UUID | None:
    """The citizen's person id; None when the number is valid but no one has it in the registry."""
    if not user.pin:
        raise errors.forbidden("no_identity", "Your token names no personal identity number",
                      "a citizen's token carries the claim `pin`")
    row = await person_store.by_pin(conn, valid_pin(user.pin, clock.today()).normalized)
    return row["id"] if row else None


@router.get("/cases", response_model=list[MyCase], summary="Your own cases (mina ärenden), oldest first")
async def my_cases(request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                   limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
                   user: Grant = allow("registry:own_case.read")) -> list[MyCase]:
    async with pool.acquire() as conn, conn.transaction():
        person_id = await _person_id(conn, user, clock)
        rows = await store.of_person(conn, person_id, limit) if person_id else []
        await log_access(conn, outbox, clock, user, resource="me/cases", person_id=person_id, request=request)
    return [MyCase(**{k: r[k] for k in MyCase.model_fields}) for r in rows]


@router.get("/decisions", response_model=list[MyDecision], summary="Decisions in your own cases (mina beslut)")
async def my_decisions(request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                       limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
                       user: Grant = allow("registry:own_decision.read")) -> list[MyDecision]:
    async with pool.acquire() as conn, conn.transaction():
        person_id = await _person_id(conn, user, clock)
        rows = await store.decisions_of_person(conn, person_id, limit) if person_id else []
        await log_access(conn, outbox, clock, user, resource="me/decisions", person_id=person_id,
                         request=request)
    return [MyDecision(**{k: r[k] for k in MyDecision.model_fields}) for r in rows]
