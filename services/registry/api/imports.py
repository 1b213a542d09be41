"""Import of persons and cases from an old system (`POST /imports`, `omsorg import FILE`)."""
from fastapi import APIRouter, Request

from services.registry.api.models import ImportReport
from services.registry.usecases import imports
from shared.access import Grant
from shared.access.routes import allow
from shared.api import UnitOfWorkDep

router = APIRouter(prefix="/imports", tags=["import"])


@router.post("", response_model=ImportReport,
             summary="Import persons and cases from a CSV file (text/csv body); a report row by row",
             openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}})
async def import_csv(request: Request, uow: UnitOfWorkDep, user: Grant = allow("registry:import.run")) -> ImportReport:
    return ImportReport.of(await imports.import_file(uow, user, await request.body()))
