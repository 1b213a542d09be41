"""The start page. A provider's is its inbox (pages/provider.py), a citizen's Mina sidor
(pages/me.py). A caseworker's or supervisor's day starts here: my watches (bevakningar), the
unit's intake queue (inkommande ärenden) and my open cases, each a page of the services' own
worklists, paged by their `next_cursor`."""
import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.web.pages.common import current_session, render, section, see_other

router = APIRouter()

Cursor = Annotated[str | None, Query(max_length=500)]
PAGE_SIZE = 20


@router.get("/")
async def start(request: Request, watches: Cursor = None, intake: Cursor = None, cases: Cursor = None):
    session = current_session(request)
    if session is None or session.user is None:
        return see_other("/sign-in")
    if session.user.role == "provider_user":
        return see_other("/provider/orders")
    if session.user.role == "citizen":
        return see_other("/me")
    if session.user.role not in ("caseworker", "supervisor"):
        return render(request, "start.html")
    my_watches, queue, my_cases = await asyncio.gather(
        section(request, "watch", "/watches", {"limit": PAGE_SIZE, "cursor": watches}),
        section(request, "registry", "/worklists/intake", {"limit": PAGE_SIZE, "cursor": intake}),
        section(request, "registry", "/worklists/cases", {"scope": "mine", "limit": PAGE_SIZE, "cursor": cases}))
    return render(request, "start.html", watches=my_watches, intake=queue, cases=my_cases,
                  paged={"watches": watches, "intake": intake, "cases": cases})
