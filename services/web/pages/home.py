"""The start page. A provider's is its inbox (pages/provider.py), a citizen's Mina sidor
(pages/me.py). A caseworker's or supervisor's day starts here: my watches (bevakningar), the
unit's intake queue (inkommande ärenden) and my open cases, and for a supervisor the unit's
overview (caseload, deadlines at risk, decisions waiting for approval, per caseworker) and the
unit's open cases; each a page of the services' own worklists, paged by their `next_cursor`."""
import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.web.pages.common import Section, current_session, render, section, see_other

router = APIRouter()

Cursor = Annotated[str | None, Query(max_length=500)]
PAGE_SIZE = 20


@router.get("/")
async def start(request: Request, watches: Cursor = None, intake: Cursor = None, cases: Cursor = None,
                staff: Cursor = None, unit: Cursor = None):
    session = current_session(request)
    if session is None or session.user is None:
        return see_other("/sign-in")
    if session.user.role == "provider_user":
        return see_other("/provider/orders")
    if session.user.role == "citizen":
        return see_other("/me")
    if session.user.role not in ("caseworker", "supervisor"):
        return render(request, "start.html")
    supervisor = session.user.role == "supervisor"
    my_watches, queue, my_cases, overview, unit_cases = await asyncio.gather(
        section(request, "watch", "/watches", {"limit": PAGE_SIZE, "cursor": watches}),
        section(request, "registry", "/worklists/intake", {"limit": PAGE_SIZE, "cursor": intake}),
        section(request, "registry", "/worklists/cases", {"scope": "mine", "limit": PAGE_SIZE, "cursor": cases}),
        # A supervisor's unit: the caseload and deadlines per caseworker, and the unit's open cases.
        section(request, "registry", "/worklists/unit-overview", {"limit": PAGE_SIZE, "cursor": staff})
        if supervisor else _nothing(),
        section(request, "registry", "/worklists/cases", {"scope": "unit", "limit": PAGE_SIZE, "cursor": unit})
        if supervisor else _nothing())
    return render(request, "start.html", watches=my_watches, intake=queue, cases=my_cases, overview=overview,
                  unit_cases=unit_cases,
                  paged={"watches": watches, "intake": intake, "cases": cases, "staff": staff, "unit": unit})


async def _nothing() -> Section:
    return Section()
