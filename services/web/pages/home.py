"""The start page: what the signed-in person can do here."""
from fastapi import APIRouter, Request

from services.web.pages.common import current_session, render, see_other

router = APIRouter()


@router.get("/")
async def start(request: Request):
    session = current_session(request)
    if session is None or session.user is None:
        return see_other("/sign-in")
    return render(request, "start.html")
