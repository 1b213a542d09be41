"""The occurrence search (förekomstsökning) for court and family-law requests."""
from fastapi import APIRouter, Query

from services.registry.api.models import OccurrencesOut
from services.registry.usecases import occurrences
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep

router = APIRouter(prefix="/occurrences", tags=["occurrences"])


@router.get("", response_model=OccurrencesOut, summary="A person's occurrences in every unit, newest first")
async def search(uow: UnitOfWorkDep, paging: PageDep, pin: str = Query(description="personnummer or samordningsnummer"),
                 user: Grant = allow("registry:occurrences.search")) -> OccurrencesOut:
    return OccurrencesOut.of(await occurrences.search_occurrences(uow, user, pin, limit=paging.limit,
                                                                  cursor=paging.cursor))
