"""Import of persons and cases from an old system (`POST /imports`, `omsorg import FILE`)."""
from fastapi import Request

from services.registry.api.models import ImportReport
from services.registry.usecases import imports
from shared.access import Grant
from shared.access.routes import allow
from shared.api import UnitOfWorkDep
from shared.openapi import service_router

router = service_router(prefix="/imports", tags=["import"])

_CSV_EXAMPLE = ("pin,first_name,last_name,street,postal_code,city,protected_identity,unit,kind,status,opened_on,"
                "closed_on,ref\n"
                "19121212-1212,Tolvan,Tolvansson,Storgatan 12,722 15,Västerås,false,vuxen,SoL,open,2025-11-03,,"
                "GS-2025-0412\n"
                "20121212-1212,Tolva,Tolvansson,,,,false,barn,SoL,closed,2024-02-01,2024-09-30,GS-2024-0077\n")


@router.post("", response_model=ImportReport,
             summary="Import persons and cases from a CSV file (text/csv body); a report row by row",
             openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {
                 "schema": {"type": "string"}, "example": _CSV_EXAMPLE}}}})
async def import_csv(request: Request, uow: UnitOfWorkDep, user: Grant = allow("registry:import.run")) -> ImportReport:
    """Imports persons and, optionally, one case each from an old system: a CSV file (header
    row; columns pin, first_name, last_name, street, postal_code, city, protected_identity, unit,
    kind, status, opened_on, closed_on, ref) as the text/csv body, at most 10 000 rows. Each row
    is imported whole or refused with every reason; closed cases and invalid numbers are refused.
    Answers a report row by row; a row already imported is refused, so importing a file again
    creates nothing twice. Support and service accounts."""
    return ImportReport.of(await imports.import_file(uow, user, await request.body()))
