"""The reimbursement basis (ersättningsunderlag) of a provider for a month, over the orders service's
GET /reimbursements: the time and units reported delivered per order at the prices in force, with
the month's total. A provider's user sees their own provider's; a supervisor chooses the provider
among the orders service's providers. The month shown unless another is chosen is the current one
by the web's clock, in Sweden. Who may read which provider's basis is the orders service's to
decide."""
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.web import months, texts
from services.web.pages.common import Section, SignedIn, every_page, render, section

router = APIRouter()

PAGE_SIZE = 100  # orders per page of the basis
MonthQuery = Annotated[str | None, Query(max_length=20)]
ProviderQuery = Annotated[str | None, Query(max_length=60)]
Cursor = Annotated[str | None, Query(max_length=500)]


@router.get("/reimbursements")
async def reimbursement_basis(request: Request, session: SignedIn, month: MonthQuery = None,
                              provider_id: ProviderQuery = None, cursor: Cursor = None):
    today = request.app.state.clock.today()
    chosen = (month or "").strip() or months.of(today)
    own = session.user.role == "provider_user"
    provider = session.user.provider_id if own else _uuid(provider_id)
    providers = Section(body={"items": []}) if own else await every_page(request, "orders", "/providers")
    if not months.MONTH.fullmatch(chosen):  # said as the orders service says it of a month not written YYYY-MM
        basis = Section(problem=texts.problem("invalid_month"), status=422)
    elif provider is None:
        basis = Section()  # nothing chosen yet: the choice alone
    else:
        basis = await section(request, "orders", "/reimbursements",
                              {"provider_id": provider, "month": chosen, "limit": PAGE_SIZE, "cursor": cursor})
    choices = months.recent(today)
    if chosen not in choices and months.MONTH.fullmatch(chosen):
        choices = sorted([*choices, chosen], reverse=True)
    names = {p["id"]: p["name"] for p in (providers.body or {}).get("items", [])}
    status = basis.status if basis.status in (403, 404, 422) else 200
    return render(request, "reimbursements.html", status_code=status, basis=basis, month=chosen, choices=choices,
                  month_name=months.swedish, own=own, provider=provider, providers=providers, names=names,
                  cursor=cursor)


def _uuid(typed: str | None) -> str | None:
    try:
        return str(uuid.UUID((typed or "").strip()))
    except ValueError:
        return None
