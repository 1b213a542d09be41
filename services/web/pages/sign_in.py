"""Signing in and out. Sign-in goes through the configured OIDC issuer with the code flow and PKCE
(services/web/oidc.py): `/sign-in/start` sends the browser to the issuer with a new state, nonce and
code challenge kept in the (anonymous) session, and `/auth/callback` takes the code back only with
that session's state, exchanges it with the verifier and checks the tokens; the signed-in session is
a new one. Under `make up` the issuer is the development issuer (services/issuer/), whose page picks
the role and unit. Signing out ends the web's session and then the issuer's (its end-session
endpoint). This is the only sign-in, in every environment: the tests sign in through the test
stack's development issuer the same way (tests/integration/web/conftest.py: sign_in)."""
import logging
import time
from datetime import timedelta

from fastapi import APIRouter, Request

from services.web import texts
from services.web.oidc import SignInFailed, new_pending
from services.web.pages.common import (
    clear_session_cookie,
    current_session,
    form_of,
    render,
    see_other,
    set_session_cookie,
)
from services.web.sessions import User
from shared.oidc import IssuerUnavailable

log = logging.getLogger(__name__)
router = APIRouter()

TOKEN_LIFETIME = timedelta(hours=8)
# A sign-in started and not finished within this is forgotten; at most this many at once per browser.
PENDING_SECONDS = 10 * 60
MAX_PENDING = 5


def _callback_uri(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/auth/callback"


@router.get("/sign-in")
async def sign_in_page(request: Request):
    session = current_session(request)
    if session is not None and session.user is not None:
        return see_other("/")
    return render(request, "sign_in_idp.html", configured=request.app.state.sign_in_issuer is not None)


@router.get("/sign-in/start")
async def start_sign_in(request: Request):
    issuer = request.app.state.sign_in_issuer
    if issuer is None:
        return see_other("/sign-in")
    session = current_session(request)
    if session is not None and session.user is not None:
        return see_other("/")  # signed in already
    if session is None:
        session = request.app.state.sessions.start_anonymous()
    now = time.monotonic()
    session.pending = {s: p for s, p in session.pending.items() if now - p.started_at < PENDING_SECONDS}
    while len(session.pending) >= MAX_PENDING:
        session.pending.pop(next(iter(session.pending)))
    state, pending = new_pending()
    try:
        url = await issuer.authorization_url(_callback_uri(request), state, pending)
    except IssuerUnavailable as exc:
        log.warning("sign-in: the issuer is not available: %s", exc)
        return _failed(request, "unavailable", 503)
    session.pending[state] = pending
    response = see_other(url)
    set_session_cookie(request, response, session)
    return response


@router.get("/auth/callback")
async def finish_sign_in(request: Request):
    issuer = request.app.state.sign_in_issuer
    if issuer is None:
        return see_other("/sign-in")
    session = current_session(request)
    state = request.query_params.get("state", "")
    pending = session.pending.pop(state, None) if session is not None and session.user is None else None
    if pending is None or time.monotonic() - pending.started_at >= PENDING_SECONDS:
        return _failed(request, "unknown_state")
    if request.query_params.get("error") or not request.query_params.get("code"):
        return _failed(request, "refused")
    try:
        signed = await issuer.finish(request.query_params["code"], _callback_uri(request), pending)
    except SignInFailed as exc:
        log.warning("sign-in refused: %s", exc)
        return _failed(request, "failed")
    except IssuerUnavailable as exc:
        log.warning("sign-in: the issuer is not available: %s", exc)
        return _failed(request, "unavailable", 503)
    principal = signed.principal
    role = next((r for r in texts.ROLES if r in principal.roles), None)
    if role is None:
        return _failed(request, "no_role", 403)
    user = User(sub=principal.sub, role=role, unit=principal.unit,
                provider_id=principal.provider_id if role == "provider_user" else None)
    lifetime = min(signed.expires_at - time.time(), TOKEN_LIFETIME.total_seconds())
    new = request.app.state.sessions.sign_in(session, user, signed.access_token, lifetime, id_token=signed.id_token)
    response = see_other("/")
    set_session_cookie(request, response, new)
    return response


def _failed(request: Request, why: str, status: int = 400):
    return render(request, "error.html", status_code=status, title="Inloggningen misslyckades",
                  message=texts.SIGN_IN[why], retry="/sign-in")


@router.post("/sign-out")
async def sign_out(request: Request):
    await form_of(request)
    session = current_session(request)
    request.app.state.sessions.end(session.id)
    issuer, target = request.app.state.sign_in_issuer, "/sign-in"
    if issuer is not None and session.user is not None:
        after = str(request.base_url).rstrip("/") + "/sign-in"
        target = await issuer.end_session_url(session.id_token, after) or target
    response = see_other(target)
    clear_session_cookie(request, response)
    return response
