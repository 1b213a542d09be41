"""HTTP routes for cases (ärenden)."""
from datetime import date
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from uuid6 import uuid7

from services.registry.domain.cases import CaseKind, CaseStatus, ensure_can_close
from services.registry.store import cases as store
from shared.auth import Principal, require_roles
from shared.audit import log_access
from shared.events.catalog import CaseClosed, CaseOpened
from shared.problems import Problem
from shared.service import ClockDep, OutboxDep, Pool

router = APIRouter(prefix="/cases", tags=["cases"])


class CaseIn(BaseModel):
    unit: str = Field(min_length=1, max_length=100)
    kind: CaseKind
    person_id: UUID | None = None


class CloseIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


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

    @classmethod
    def of(cls, row) -> "CaseOut":
        return cls(**{k: row[k] for k in cls.model_fields})


def _check_unit(user: Principal, unit: str) -> None:
    if user.has_any("caseworker") and not user.has_any("supervisor", "family_law") and user.unit != unit:
        raise Problem(403, "other_unit", "The case belongs to another unit",
                      f"your unit is {user.unit!r}; the case is in {unit!r}")


@router.post("", status_code=201, response_model=CaseOut, summary="Open a case (öppna ärende)")
async def open_case(body: CaseIn, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                    user: Principal = require_roles("caseworker", "supervisor")) -> CaseOut:
    _check_unit(user, body.unit)
    async with pool.acquire() as conn, conn.transaction():
        row = await store.insert(conn, case_id=uuid7(), unit=body.unit, kind=body.kind,
                                 person_id=body.person_id, opened_on=clock.today(), opened_by=user.sub)
        await outbox.add(conn, CaseOpened(case_id=row["id"], unit=row["unit"], kind=row["kind"],
                                          person_id=row["person_id"], opened_on=row["opened_on"]),
                         key=str(row["id"]), subject=f"case/{row['id']}")
    return CaseOut.of(row)


@router.get("/{case_id}", response_model=CaseOut, summary="Read a case")
async def get_case(case_id: UUID, request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                   user: Principal = require_roles("caseworker", "supervisor", "family_law",
                                                   "object_specialist", "support")) -> CaseOut:
    async with pool.acquire() as conn, conn.transaction():
        row = await store.get(conn, case_id)
        if row is None:
            raise Problem(404, "case_not_found", "No such case", str(case_id))
        _check_unit(user, row["unit"])
        await log_access(conn, outbox, clock, user, resource=f"case/{case_id}",
                         person_id=row["person_id"], request=request)
    return CaseOut.of(row)


@router.post("/{case_id}/close", response_model=CaseOut, summary="Close a case (avsluta ärende)")
async def close_case(case_id: UUID, body: CloseIn, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                     user: Principal = require_roles("caseworker", "supervisor")) -> CaseOut:
    async with pool.acquire() as conn, conn.transaction():
        row = await store.get(conn, case_id, for_update=True)
        if row is None:
            raise Problem(404, "case_not_found", "No such case", str(case_id))
        _check_unit(user, row["unit"])
        ensure_can_close(CaseStatus(row["status"]))
        row = await store.close(conn, case_id, closed_on=clock.today(), closed_by=user.sub,
                                reason=body.reason)
        await outbox.add(conn, CaseClosed(case_id=case_id, reason=body.reason, closed_on=row["closed_on"]),
                         key=str(case_id), subject=f"case/{case_id}")
    return CaseOut.of(row)
