"""HTTP routes for cases (ärenden), their investigations (utredningar) and decisions (beslut)."""
from datetime import date, datetime
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from uuid6 import uuid7

from services.registry.api.types import DEFAULT_LIMIT, MAX_LIMIT, Day, Reason, Unit, text
from services.registry.domain import process
from services.registry.domain.cases import CaseKind, CaseStatus
from services.registry.domain.process import Communication, CommunicationMethod, Outcome
from services.registry.store import cases as store
from services.registry.store import persons as person_store
from shared import errors
from shared.access import Grant
from shared.access.routes import allow
from shared.access.policy import policy
from shared.audit import log_access
from shared.events.catalog import (
    CaseClosed,
    CaseOpened,
    CaseRemoved,
    CaseRestored,
    DecisionMade,
    InvestigationCompleted,
    InvestigationStarted,
)
from shared.outbox import Outbox
from shared.pin import person_ref
from shared.service import ClockDep, OutboxDep, Pool

router = APIRouter(prefix="/cases", tags=["cases"])


class CaseIn(BaseModel):
    unit: Unit
    kind: CaseKind
    person_id: UUID = Field(description="the person the case is about (registered with POST /persons)")


class ReasonIn(BaseModel):
    reason: Reason


class CaseOut(BaseModel):
    id: UUID
    unit: str
    kind: CaseKind
    person_id: UUID | None
    status: CaseStatus
    opened_on: date
    opened_by: str
    closed_on: date | None
    close_reason: str | None
    removed_at: datetime | None = Field(None, description="set while support has the case removed")
    removed_by: str | None = None
    removal_reason: str | None = None

    @classmethod
    def of(cls, row) -> "CaseOut":
        return cls(**{k: row[k] for k in cls.model_fields})


class RemovalOut(BaseModel):
    action: str
    reason: str
    by_whom: str
    at: datetime


class InvestigationIn(BaseModel):
    started_on: Day | None = Field(None, description="defaults to today")


class InvestigationOut(BaseModel):
    id: UUID
    case_id: UUID
    started_on: date
    due_on: date = Field(description="four months after the start")
    started_by: str
    completed_on: date | None
    completed_by: str | None

    @classmethod
    def of(cls, row) -> "InvestigationOut":
        return cls(**{k: row[k] for k in cls.model_fields})


class CommunicationIn(BaseModel):
    """Kommunicering of the basis for the decision with the person, before the decision."""
    communicated: bool
    communicated_on: Day | None = None
    method: CommunicationMethod | None = None
    not_communicated_reason: Reason | None = None


class DecisionIn(BaseModel):
    intervention: text(200)
    outcome: Outcome = Outcome.GRANTED
    valid_from: Day
    valid_to: Day | None = Field(None, description="none: until further notice")
    follow_up_on: Day | None = None
    communication: CommunicationIn


class DecisionOut(BaseModel):
    id: UUID
    case_id: UUID
    investigation_id: UUID
    outcome: Outcome
    intervention: str
    valid_from: date
    valid_to: date | None
    follow_up_on: date | None
    decided_on: date
    decided_by: str
    communication: CommunicationIn

    @classmethod
    def of(cls, row) -> "DecisionOut":
        communication = CommunicationIn(communicated=row["communicated"], communicated_on=row["communicated_on"],
                                        method=row["communication_method"],
                                        not_communicated_reason=row["not_communicated_reason"])
        return cls(communication=communication,
                   **{k: row[k] for k in cls.model_fields if k != "communication"})


# Removed cases are out of every usual view; who may remove and restore them still sees them.
SEES_REMOVED_CASES = "registry:case.remove"


async def _case(conn: asyncpg.Connection, case_id: UUID, user: Grant, *, for_update: bool = False):
    row = await store.get(conn, case_id, for_update=for_update)
    if row is None:
        raise errors.not_found("case_not_found", "No such case", str(case_id))
    user.ensure_unit(row["unit"])
    if row["removed_at"] is not None and policy().scope_for(user, SEES_REMOVED_CASES) is None:
        raise errors.gone("case_removed", "The case has been removed by support",
                      f"removed {row['removed_at'].isoformat()} by {row['removed_by']}: {row['removal_reason']};"
                      " support can restore it")
    return row


async def case_for_work(conn: asyncpg.Connection, case_id: UUID, user: Grant):
    """The case, locked for this transaction, open and not removed."""
    row = await _case(conn, case_id, user, for_update=True)
    process.ensure_open(row["status"], removed=row["removed_at"] is not None)
    return row


async def _complete(conn: asyncpg.Connection, outbox: Outbox, case, investigation, *, on: date,
                    by: str) -> asyncpg.Record:
    row = await store.complete_investigation(conn, investigation["id"], completed_on=on, completed_by=by)
    await outbox.add(conn, InvestigationCompleted(case_id=case["id"], investigation_id=row["id"], unit=case["unit"],
                                                  completed_on=on, completed_by=by),
                     key=str(case["id"]), subject=f"case/{case['id']}")
    return row


async def open_case(conn: asyncpg.Connection, outbox: Outbox, *, unit: str, kind: str, person_id: UUID,
                    opened_on: date, opened_by: str, import_ref: str | None = None) -> asyncpg.Record:
    """Insert a case and its `case.opened` event (also used by intake and import)."""
    person = await person_store.get(conn, person_id)
    if person is None:
        raise errors.invalid("person_not_found", "The case's person is not registered", str(person_id))
    row = await store.insert(conn, case_id=uuid7(), unit=unit, kind=kind, person_id=person_id,
                             opened_on=opened_on, opened_by=opened_by, import_ref=import_ref)
    await outbox.add(conn, CaseOpened(case_id=row["id"], unit=row["unit"], kind=row["kind"],
                                      person_id=row["person_id"], opened_on=row["opened_on"],
                                      person_ref=person_ref(person["pin"], outbox.settings.person_ref_key)),
                     key=str(row["id"]), subject=f"case/{row['id']}")
    return row


@router.post("", status_code=201, response_model=CaseOut, summary="Open a case (öppna ärende)")
async def create_case(body: CaseIn, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                      user: Grant = allow("registry:case.open")) -> CaseOut:
    user.ensure_unit(body.unit)
    async with pool.acquire() as conn, conn.transaction():
        row = await open_case(conn, outbox, unit=body.unit, kind=body.kind, person_id=body.person_id,
                              opened_on=clock.today(), opened_by=user.sub)
    return CaseOut.of(row)


@router.get("/{case_id}", response_model=CaseOut, summary="Read a case")
async def get_case(case_id: UUID, request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                   user: Grant = allow("registry:case.read")) -> CaseOut:
    async with pool.acquire() as conn, conn.transaction():
        row = await _case(conn, case_id, user)
        await log_access(conn, outbox, clock, user, resource=f"case/{case_id}",
                         person_id=row["person_id"], request=request)
    return CaseOut.of(row)


@router.post("/{case_id}/close", response_model=CaseOut, summary="Close a case (avsluta ärende)")
async def close_case(case_id: UUID, body: ReasonIn, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                     user: Grant = allow("registry:case.close")) -> CaseOut:
    async with pool.acquire() as conn, conn.transaction():
        await case_for_work(conn, case_id, user)
        process.ensure_can_close(ongoing_investigation=await store.ongoing_investigation(conn, case_id) is not None)
        row = await store.close(conn, case_id, closed_on=clock.today(), closed_by=user.sub, reason=body.reason)
        await outbox.add(conn, CaseClosed(case_id=case_id, reason=body.reason, closed_on=row["closed_on"]),
                         key=str(case_id), subject=f"case/{case_id}")
    return CaseOut.of(row)


async def start_investigation(conn: asyncpg.Connection, outbox: Outbox, case, *, started_on: date,
                              today: date, started_by: str) -> asyncpg.Record:
    """Start an investigation on a locked, open case and record `investigation.started`."""
    process.ensure_can_start_investigation(
        ongoing=await store.ongoing_investigation(conn, case["id"]) is not None,
        started_on=started_on, opened_on=case["opened_on"], today=today)
    row = await store.insert_investigation(conn, investigation_id=uuid7(), case_id=case["id"],
                                           started_on=started_on, due_on=process.investigation_due(started_on),
                                           started_by=started_by)
    await outbox.add(conn, InvestigationStarted(case_id=case["id"], investigation_id=row["id"], unit=case["unit"],
                                                person_id=case["person_id"], started_on=row["started_on"],
                                                due_on=row["due_on"], started_by=started_by),
                     key=str(case["id"]), subject=f"case/{case['id']}")
    return row


@router.post("/{case_id}/investigations", status_code=201, response_model=InvestigationOut,
             summary="Start an investigation (inled utredning)")
async def create_investigation(case_id: UUID, body: InvestigationIn, pool: Pool, outbox: OutboxDep,
                               clock: ClockDep,
                               user: Grant = allow("registry:case.investigate")) -> InvestigationOut:
    today = clock.today()
    async with pool.acquire() as conn, conn.transaction():
        case = await case_for_work(conn, case_id, user)
        row = await start_investigation(conn, outbox, case, started_on=body.started_on or today, today=today,
                                        started_by=user.sub)
    return InvestigationOut.of(row)


@router.get("/{case_id}/investigations", response_model=list[InvestigationOut],
            summary="The case's investigations, oldest first")
async def list_investigations(case_id: UUID, request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                              limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
                              user: Grant = allow("registry:case.read")) -> list[InvestigationOut]:
    async with pool.acquire() as conn, conn.transaction():
        case = await _case(conn, case_id, user)
        await log_access(conn, outbox, clock, user, resource=f"case/{case_id}/investigations",
                         person_id=case["person_id"], request=request)
        rows = await store.investigations(conn, case_id, limit)
    return [InvestigationOut.of(r) for r in rows]


@router.post("/{case_id}/investigations/{investigation_id}/completion", response_model=InvestigationOut,
             summary="Complete an investigation (avsluta utredning)")
async def complete_investigation(case_id: UUID, investigation_id: UUID, pool: Pool, outbox: OutboxDep,
                                 clock: ClockDep,
                                 user: Grant = allow("registry:case.investigate")) -> InvestigationOut:
    async with pool.acquire() as conn, conn.transaction():
        case = await case_for_work(conn, case_id, user)
        investigation = await store.get_investigation(conn, case_id, investigation_id)
        if investigation is None:
            raise errors.not_found("investigation_not_found", "No such investigation on this case")
        if investigation["completed_on"] is not None:
            raise errors.conflict("investigation_completed", "The investigation is already completed",
                          f"completed on {investigation['completed_on'].isoformat()}")
        row = await _complete(conn, outbox, case, investigation, on=clock.today(), by=user.sub)
    return InvestigationOut.of(row)


@router.post("/{case_id}/decisions", status_code=201, response_model=DecisionOut,
             summary="Make a decision (fatta beslut); completes an ongoing investigation")
async def create_decision(case_id: UUID, body: DecisionIn, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                          user: Grant = allow("registry:case.decide")) -> DecisionOut:
    today = clock.today()
    c = body.communication
    communication = Communication(c.communicated, c.communicated_on, c.method, c.not_communicated_reason)
    process.check_validity(valid_from=body.valid_from, valid_to=body.valid_to, follow_up_on=body.follow_up_on)
    async with pool.acquire() as conn, conn.transaction():
        case = await case_for_work(conn, case_id, user)
        investigation = await store.latest_investigation(conn, case_id)
        process.ensure_has_investigation(investigation is not None)
        process.check_communication(communication, decided_on=today,
                                    investigation_started_on=investigation["started_on"])
        if investigation["completed_on"] is None:
            await _complete(conn, outbox, case, investigation, on=today, by=user.sub)
        row = await store.insert_decision(
            conn, decision_id=uuid7(), case_id=case_id, investigation_id=investigation["id"],
            outcome=body.outcome, intervention=body.intervention, valid_from=body.valid_from,
            valid_to=body.valid_to, follow_up_on=body.follow_up_on, decided_on=today, decided_by=user.sub,
            communicated=c.communicated, communicated_on=c.communicated_on, communication_method=c.method,
            not_communicated_reason=c.not_communicated_reason)
        await outbox.add(conn, DecisionMade(
            case_id=case_id, decision_id=row["id"], unit=case["unit"], person_id=case["person_id"],
            intervention=row["intervention"], outcome=row["outcome"], valid_from=row["valid_from"],
            valid_to=row["valid_to"], follow_up_on=row["follow_up_on"], decided_on=row["decided_on"],
            decided_by=row["decided_by"]), key=str(case_id), subject=f"case/{case_id}")
    return DecisionOut.of(row)


@router.get("/{case_id}/decisions", response_model=list[DecisionOut], summary="The case's decisions, oldest first")
async def list_decisions(case_id: UUID, request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                         limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
                         user: Grant = allow("registry:case.read")) -> list[DecisionOut]:
    async with pool.acquire() as conn, conn.transaction():
        case = await _case(conn, case_id, user)
        await log_access(conn, outbox, clock, user, resource=f"case/{case_id}/decisions",
                         person_id=case["person_id"], request=request)
        rows = await store.decisions(conn, case_id, limit)
    return [DecisionOut.of(r) for r in rows]


@router.post("/{case_id}/removal", response_model=CaseOut,
             summary="Remove a case from every usual view (support; reversible, audited)")
async def remove_case(case_id: UUID, body: ReasonIn, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                      user: Grant = allow("registry:case.remove")) -> CaseOut:
    now = clock.now()
    async with pool.acquire() as conn, conn.transaction():
        case = await _case(conn, case_id, user, for_update=True)
        process.ensure_can_remove(removed=case["removed_at"] is not None)
        row = await store.set_removed(conn, case_id, removed=True, reason=body.reason, by=user.sub, at=now)
        await outbox.add(conn, CaseRemoved(case_id=case_id, reason=body.reason, removed_by=user.sub, removed_at=now),
                         key=str(case_id), subject=f"case/{case_id}")
    return CaseOut.of(row)


@router.post("/{case_id}/restoration", response_model=CaseOut, summary="Restore a removed case (support, audited)")
async def restore_case(case_id: UUID, body: ReasonIn, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                       user: Grant = allow("registry:case.remove")) -> CaseOut:
    now = clock.now()
    async with pool.acquire() as conn, conn.transaction():
        case = await _case(conn, case_id, user, for_update=True)
        process.ensure_can_restore(removed=case["removed_at"] is not None)
        row = await store.set_removed(conn, case_id, removed=False, reason=body.reason, by=user.sub, at=now)
        await outbox.add(conn, CaseRestored(case_id=case_id, reason=body.reason, restored_by=user.sub,
                                            restored_at=now),
                         key=str(case_id), subject=f"case/{case_id}")
    return CaseOut.of(row)


@router.get("/{case_id}/removals", response_model=list[RemovalOut],
            summary="Every removal and restoration of the case, oldest first (support)")
async def list_removals(case_id: UUID, request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                        limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
                        user: Grant = allow("registry:case.remove")) -> list[RemovalOut]:
    async with pool.acquire() as conn, conn.transaction():
        case = await _case(conn, case_id, user)
        await log_access(conn, outbox, clock, user, resource=f"case/{case_id}/removals",
                         person_id=case["person_id"], request=request)
        rows = await store.removals(conn, case_id, limit)
    return [RemovalOut(**dict(r)) for r in rows]
