"""HTTP routes for a citizen's own cases and decisions (mina ärenden, mina beslut)."""
from uuid import UUID

from fastapi import Response

from services.registry.api.models import PDF, MyCase, MyDecision, page, pdf
from services.registry.usecases import me
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.openapi import service_router
from shared.pagination import Page

router = service_router(prefix="/me", tags=["citizen"])


@router.get("/cases", response_model=Page[MyCase], summary="Your own cases (mina ärenden), oldest first")
async def my_cases(uow: UnitOfWorkDep, paging: PageDep, user: Grant = allow("registry:own_case.read")) -> Page[MyCase]:
    """The citizen's own cases (by the `pin` of their token), oldest first: unit, kind, status and
    dates. Citizens only; 403 `no_identity` for a token without a personal identity number.
    An empty list when the number is valid but not registered."""
    return page(MyCase, await me.my_cases(uow, user, limit=paging.limit, cursor=paging.cursor))


@router.get("/decisions", response_model=Page[MyDecision], summary="Decisions in your own cases (mina beslut)")
async def my_decisions(uow: UnitOfWorkDep, paging: PageDep,
                       user: Grant = allow("registry:own_decision.read")) -> Page[MyDecision]:
    """The decisions in force in the citizen's own cases, oldest first, with reasons, legal basis,
    scope, validity and how to appeal. Citizens only; 403 `no_identity`."""
    return page(MyDecision, await me.my_decisions(uow, user, limit=paging.limit, cursor=paging.cursor))


@router.get("/decisions/{decision_id}/letter", response_class=Response, responses=PDF,
            summary="The letter of one of your decisions (beslutsmeddelande), as PDF")
async def my_decision_letter(decision_id: UUID, uow: UnitOfWorkDep,
                             user: Grant = allow("registry:own_decision.read")) -> Response:
    """The letter of one of the citizen's own decisions in force, as a PDF. Citizens only; 404
    `decision_not_found` for any other decision (another person's, or one waiting for approval or
    refused); 409 `no_letter` for a decision made without reasons."""
    return pdf(await me.my_decision_letter(uow, user, decision_id), f"beslut-{decision_id}.pdf")
