"""Import of persons and cases from an old system (`POST /imports`, `omsorg import FILE`).

The whole file is one transaction and each row a savepoint inside it: a row is in or out
whole, and the report says which and why.
"""
from typing import Literal
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Request
from pydantic import BaseModel
from uuid6 import uuid7

from services.registry.api.cases import open_case
from services.registry.domain.imports import ImportRow, check_row, read_csv
from services.registry.store import cases as case_store
from services.registry.store import imports as store
from services.registry.store import persons as person_store
from shared.access import Grant
from shared.access.routes import allow
from shared.outbox import Outbox
from shared.service import ClockDep, OutboxDep, Pool

router = APIRouter(prefix="/imports", tags=["import"])


class RowResult(BaseModel):
    line: int
    status: Literal["imported", "refused"]
    reasons: list[str] = []
    person_id: UUID | None = None
    person_created: bool = False
    case_id: UUID | None = None


class ImportReport(BaseModel):
    id: UUID
    rows: int
    imported: int
    refused: int
    results: list[RowResult]


class _Refused(Exception):
    def __init__(self, reason: str):
        self.reason = reason


async def _import_row(conn: asyncpg.Connection, outbox: Outbox, row: ImportRow, by: str) -> RowResult:
    person = await person_store.by_pin(conn, row.pin)
    created = person is None
    if person is None:
        person = await person_store.insert(
            conn, person_id=uuid7(), pin=row.pin, birth_date=row.birth_date, first_name=row.first_name,
            last_name=row.last_name, street=row.street, postal_code=row.postal_code, city=row.city,
            protected_identity=row.protected_identity, created_by=by)
        if person is None:  # registered by someone else since we looked
            raise _Refused("the person was registered at the same time by someone else: import the row again")
    elif (person["first_name"], person["last_name"]) != (row.first_name, row.last_name):
        raise _Refused("the number is registered with another name: check the number")
    elif row.unit is None:
        raise _Refused("the person is already registered and the row has no case")
    case_id = None
    if row.unit is not None:
        if row.ref is not None and await case_store.imported(conn, row.ref):
            raise _Refused(f"the case {row.ref!r} has already been imported")
        case = await open_case(conn, outbox, unit=row.unit, kind=row.kind, person_id=person["id"],
                               opened_on=row.opened_on, opened_by=by, import_ref=row.ref)
        case_id = case["id"]
    return RowResult(line=row.line, status="imported", person_id=person["id"], person_created=created,
                     case_id=case_id)


@router.post("", response_model=ImportReport,
             summary="Import persons and cases from a CSV file (text/csv body); a report row by row",
             openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}})
async def import_csv(request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                     user: Grant = allow("registry:import.run")) -> ImportReport:
    today = clock.today()
    lines = read_csv(await request.body())
    by = f"import:{user.sub}"
    results: list[RowResult] = []
    async with pool.acquire() as conn, conn.transaction():
        for line, fields in lines:
            checked = check_row(line, fields, today)
            if isinstance(checked, list):
                results.append(RowResult(line=line, status="refused", reasons=checked))
                continue
            try:
                async with conn.transaction():  # a savepoint: the row goes in whole or not at all
                    results.append(await _import_row(conn, outbox, checked, by))
            except _Refused as refused:
                results.append(RowResult(line=line, status="refused", reasons=[refused.reason]))
        imported = sum(r.status == "imported" for r in results)
        report = ImportReport(id=uuid7(), rows=len(results), imported=imported, refused=len(results) - imported,
                              results=results)
        await store.record(conn, import_id=report.id, imported_by=user.sub, imported_at=clock.now(),
                           rows=report.rows, imported=report.imported, refused=report.refused,
                           report=report.model_dump(mode="json")["results"])
    return report
