"""The occurrence search (förekomstsökning) for court and family-law requests."""
from services.registry.api.models import OccurrencesOut, PinSearchIn
from services.registry.usecases import occurrences
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.openapi import service_router

router = service_router(prefix="/occurrences", tags=["occurrences"])


# The number goes in the body, never in the URL, which ends up in traces, proxies' and servers' logs.
@router.post("/search", response_model=OccurrencesOut,
             summary="A person's occurrences in every unit, newest first")
async def search(body: PinSearchIn, uow: UnitOfWorkDep, paging: PageDep,
                 user: Grant = allow("registry:occurrences.search")) -> OccurrencesOut:
    """The occurrence search (förekomstsökning) for a court's or family law's request: every case
    of the person with the number, newest first, in every unit (a caseworker: their own unit
    only). The number goes in the body, never in the URL. Answers whether the person is
    registered even when they have no case. Caseworkers, supervisors and family law; every
    search is in the access log. 422 when the number is not valid."""
    return OccurrencesOut.of(await occurrences.search_occurrences(uow, user, str(body.pin), limit=paging.limit,
                                                                  cursor=paging.cursor))
