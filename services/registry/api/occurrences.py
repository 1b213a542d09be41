"""The occurrence search (förekomstsökning) for court and family-law requests."""
from fastapi import APIRouter

from services.registry.api.models import OccurrencesOut, PinSearchIn
from services.registry.usecases import occurrences
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep

router = APIRouter(prefix="/occurrences", tags=["occurrences"])


# The number goes in the body, never in the URL, which ends up in traces, proxies' and servers' logs.
@router.post("/search", response_model=OccurrencesOut,
             summary="A person's occurrences in every unit, newest first")
async def search(body: PinSearchIn, uow: UnitOfWorkDep, paging: PageDep,
                 user: Grant = allow("registry:occurrences.search")) -> OccurrencesOut:
    return OccurrencesOut.of(await occurrences.search_occurrences(uow, user, str(body.pin), limit=paging.limit,
                                                                  cursor=paging.cursor))
