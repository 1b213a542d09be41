"""HTTP routes for a citizen's own cases and decisions (mina ärenden, mina beslut)."""
from fastapi import APIRouter

from services.registry.api.models import MyCase, MyDecision, page
from services.registry.usecases import me
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.pagination import Page

router = APIRouter(prefix="/me", tags=["citizen"])


@router.get("/cases", response_model=Page[MyCase], summary="Your own cases (mina ärenden), oldest first")
async def my_cases(uow: UnitOfWorkDep, paging: PageDep, user: Grant = allow("registry:own_case.read")) -> Page[MyCase]:
    return page(MyCase, await me.my_cases(uow, user, limit=paging.limit, cursor=paging.cursor))


@router.get("/decisions", response_model=Page[MyDecision], summary="Decisions in your own cases (mina beslut)")
async def my_decisions(uow: UnitOfWorkDep, paging: PageDep,
                       user: Grant = allow("registry:own_decision.read")) -> Page[MyDecision]:
    return page(MyDecision, await me.my_decisions(uow, user, limit=paging.limit, cursor=paging.cursor))
