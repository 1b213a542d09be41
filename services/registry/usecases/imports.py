"""Import of persons and cases from an old system (`POST /imports`, `omsorg import FILE`).

The whole file is one unit of work. Each row is checked, then refused or written whole: every
reason to refuse it is found before anything of it is written, so a refused row leaves nothing
behind, and the report says of each row whether it went in and why not.
"""
from uuid_utils.compat import uuid7

from services.registry.domain import imports as rules
from services.registry.domain.imports import ImportReport, ImportRow, RowResult
from services.registry.store import cases as case_store
from services.registry.store import imports as store
from services.registry.store import persons as person_store
from services.registry.usecases.cases import open_case
from shared.access.policy import Grant
from shared.unit_of_work import UnitOfWork


async def import_file(uow: UnitOfWork, user: Grant, data: bytes) -> ImportReport:
    """Import a CSV file (see domain/imports.py for its columns); the report is kept."""
    today = uow.today()
    lines = rules.read_csv(data)
    results: list[RowResult] = []
    async with uow:
        for line, fields in lines:
            checked = rules.check_row(line, fields, today)
            results.append(rules.refused(line, *checked) if isinstance(checked, list)
                            else await _import_row(uow, user, checked))
        report = ImportReport(id=uuid7(), results=results)
        await store.record(uow.conn, report, imported_by=user.sub, imported_at=uow.now())
    return report


async def _import_row(uow: UnitOfWork, user: Grant, row: ImportRow) -> RowResult:
    by = f"import:{user.sub}"
    person = await person_store.by_pin(uow.conn, row.pin)
    reason = rules.refusal(
        row, registered_name=(person["first_name"], person["last_name"]) if person else None,
        case_imported=row.unit is not None and row.ref is not None and await case_store.imported(uow.conn, row.ref))
    if reason:
        return rules.refused(row.line, reason)
    created = person is None
    if created:
        person = await person_store.insert(
            uow.conn, person_id=uuid7(), pin=row.pin, birth_date=row.birth_date, first_name=row.first_name,
            last_name=row.last_name, street=row.street, postal_code=row.postal_code, city=row.city,
            protected_identity=row.protected_identity, created_by=by, created_at=uow.now())
        if person is None:
            return rules.refused(row.line, rules.REGISTERED_MEANWHILE)
    case_id = None
    if row.unit is not None:
        case = await open_case(uow, user, unit=row.unit, kind=row.kind, person_id=person["id"],
                               opened_on=row.opened_on, opened_by=by, import_ref=row.ref)
        case_id = case["id"]
    return RowResult(line=row.line, status="imported", person_id=person["id"], person_created=created,
                     case_id=case_id)
