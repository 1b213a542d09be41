"""Signing in and out. In production sign-in goes through the municipality's identity provider
(a later slice); the development sign-in, which mints a local-issuer token for a chosen role and
unit, exists only in dev and test: in production its route is not there at all."""
from datetime import timedelta

from fastapi import APIRouter, Request

from services.web import texts
from services.web.pages.common import (
    clear_session_cookie,
    current_session,
    form_of,
    render,
    see_other,
    set_session_cookie,
)
from services.web.sessions import User
from shared.auth import issue_token

router = APIRouter()
dev_router = APIRouter()

TOKEN_LIFETIME = timedelta(hours=8)


@router.get("/sign-in")
async def sign_in_page(request: Request):
    session = current_session(request)
    if session is not None and session.user is not None:
        return see_other("/")
    if not request.app.state.settings.dev_sign_in:
        return render(request, "sign_in_idp.html")
    if session is None:
        session = request.app.state.sessions.start_anonymous()
    response = render(request, "sign_in_dev.html", session=session, form={"sub": "anna", "role": "caseworker",
                                                                          "unit": "vuxen"})
    set_session_cookie(request, response, session)
    return response


@dev_router.post("/dev/sign-in")
async def dev_sign_in(request: Request):
    fields = await form_of(request)
    session = current_session(request)
    sub, role = fields.get("sub", "").strip(), fields.get("role", "")
    unit, provider_id = fields.get("unit", "").strip() or None, fields.get("provider_id", "").strip() or None
    errors = []
    if not sub or len(sub) > 100:
        errors.append("Skriv ett användar-id (högst 100 tecken).")
    if role not in texts.ROLES:
        errors.append("Välj en roll.")
    if role in ("caseworker", "supervisor") and unit not in texts.UNITS:
        errors.append("Välj en enhet.")
    if role == "provider_user" and not provider_id:
        errors.append("En utförare behöver utförarens id.")
    pin = fields.get("pin", "").strip() or None
    if role == "citizen" and (not pin or len(pin) > 40):
        errors.append("En enskild behöver sitt personnummer.")
    if errors:
        return render(request, "sign_in_dev.html", status_code=422, errors=errors, form=fields)
    if role in ("provider_user", "citizen"):
        unit = None
    user = User(sub=sub, role=role, unit=unit, provider_id=provider_id if role == "provider_user" else None)
    token = issue_token(request.app.state.issuer_settings, sub=user.sub, roles=[role], unit=user.unit,
                        provider_id=user.provider_id, pin=pin if role == "citizen" else None, ttl=TOKEN_LIFETIME)
    signed = request.app.state.sessions.sign_in(session, user, token, TOKEN_LIFETIME.total_seconds())
    response = see_other("/")
    set_session_cookie(request, response, signed)
    return response


@router.post("/sign-out")
async def sign_out(request: Request):
    await form_of(request)
    session = current_session(request)
    request.app.state.sessions.end(session.id)
    response = see_other("/sign-in")
    clear_session_cookie(request, response)
    return response
