"""The web: Swedish pages over the services' APIs (a backend-for-frontend). No database, no broker:
its only state is the sessions of signed-in people (services/web/sessions.py)."""
import contextlib
import logging
import re
import uuid
from urllib.parse import urlsplit
from datetime import timedelta
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.web import telemetry, texts
from services.web.backends import Backend, ServiceUnavailable, SessionRejected
from services.web.oidc import SignInIssuer
from services.web.pages import (
    accessibility,
    approvals,
    cases,
    decisions,
    home,
    inquiries,
    me,
    notes,
    orders,
    persons,
    provider,
    reassignment,
    reimbursements,
    reports,
    sign_in,
)
from services.web.pages.common import (
    CsrfRejected,
    NotSignedIn,
    clear_session_cookie,
    current_session,
    not_found,
    render,
    see_other,
)
from services.web.sessions import Sessions
from services.web.settings import WebSettings
from shared.clock import AdjustableClock, Clock

log = logging.getLogger(__name__)
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

SECURITY_HEADERS = {
    # Only this origin's own files; no inline script or style, no frames, forms only to here.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def security_headers(settings: WebSettings) -> dict[str, str]:
    """The headers of every answer. A browser holds a form's redirects to `form-action` too, so the
    sign-out form, which ends at the issuer's end-session endpoint, needs the issuer's origin there."""
    config = settings.sign_in_config
    if config is None:
        return SECURITY_HEADERS
    parts = urlsplit(config.issuer)
    policy = SECURITY_HEADERS["Content-Security-Policy"].replace(
        "form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}")
    return {**SECURITY_HEADERS, "Content-Security-Policy": policy}


class RequestIdAndHeaders:
    """Every answer carries the request's id (the caller's X-Request-Id when it is a sensible one,
    else a new one; pages pass it on to the services), the security headers and, for pages,
    `Cache-Control: no-store`, since pages show personal data. A plain ASGI middleware: it only
    adds headers to the answer's start, without the task and stream of Starlette's
    BaseHTTPMiddleware around every request."""

    def __init__(self, app, headers: dict[str, str]):
        self.app, self.headers = app, headers

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        given = Headers(scope=scope).get("x-request-id", "")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id   # request.state.request_id
        page = not scope["path"].startswith("/static/")

        async def sending(message):
            if message["type"] == "http.response.start":
                answer = MutableHeaders(scope=message)
                answer["X-Request-Id"] = request_id
                for name, value in self.headers.items():
                    answer.setdefault(name, value)
                if page:
                    answer["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, sending)


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()
    telemetry.setup(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        async with httpx.AsyncClient(timeout=settings.backend_timeout_seconds) as client:
            app.state.backends = {
                name: Backend(name, getattr(settings, f"{name}_url"), client) for name in texts.SERVICES}
            yield

    app = FastAPI(title="Omsorg web", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None,
                  telemetry=telemetry.HTTP_TELEMETRY)
    app.state.settings = settings
    headers = security_headers(settings)
    app.state.clock = (AdjustableClock(timedelta(seconds=settings.clock_offset_seconds))
                       if settings.env in ("dev", "test") else Clock())
    app.state.sessions = Sessions(idle_seconds=settings.session_idle_minutes * 60)
    app.include_router(home.router)
    app.include_router(sign_in.router)
    config = settings.sign_in_config
    app.state.sign_in_issuer = SignInIssuer(config, settings) if config is not None else None
    app.include_router(persons.router)
    app.include_router(cases.router)
    app.include_router(inquiries.router)
    app.include_router(notes.router)
    app.include_router(decisions.router)
    app.include_router(orders.router)
    app.include_router(provider.router)
    app.include_router(me.router)
    app.include_router(approvals.router)
    app.include_router(reassignment.router)
    app.include_router(reports.router)
    app.include_router(reimbursements.router)
    app.include_router(accessibility.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.get("/health", include_in_schema=False)
    async def health():
        return JSONResponse({"status": "ok"})

    @app.get("/ready", include_in_schema=False)
    async def ready():
        # The web holds nothing of its own to wait for; a service that is down is said on the page.
        return JSONResponse({"status": "ready"})

    app.add_middleware(RequestIdAndHeaders, headers=headers)
    install_error_pages(app)
    return app


def install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, exc: CsrfRejected):
        return render(request, "error.html", status_code=403, title="Formuläret togs inte emot",
                      message=texts.PROBLEMS["csrf"])

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn):
        return see_other("/sign-in")

    @app.exception_handler(SessionRejected)
    async def session_rejected(request: Request, exc: SessionRejected):
        session = current_session(request)
        if session is not None:
            request.app.state.sessions.end(session.id)
        response = see_other("/sign-in")
        clear_session_cookie(request, response)
        return response

    @app.exception_handler(ServiceUnavailable)
    async def service_unavailable(request: Request, exc: ServiceUnavailable):
        log.warning("a service did not answer: %s", exc)
        name = texts.SERVICES.get(exc.service, exc.service)
        return render(request, "error.html", status_code=503, title=f"{name} svarar inte",
                      message=f"{name} svarar inte just nu, så sidan kan inte visas. Försök igen om en stund.",
                      trace_id=telemetry.current_trace_id())

    @app.exception_handler(RequestValidationError)
    async def bad_address(request: Request, exc: RequestValidationError):
        # A page's address with a part that cannot be what it names (a case id that is no UUID,
        # a cursor too long): there is no such page.
        return not_found(request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            return not_found(request)
        if exc.status_code == 405:
            title, message = "Det går inte att göra så", "Sidan tar inte emot den sortens anrop."
        else:
            title, message = "Något gick fel", "Sidan kunde inte visas."
        return render(request, "error.html", status_code=exc.status_code, title=title, message=message,
                      trace_id=telemetry.current_trace_id())

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return render(request, "error.html", status_code=500, title="Något gick fel",
                      message="Ett oväntat fel inträffade. Försök igen, och kontakta supporten om felet kvarstår.",
                      trace_id=telemetry.current_trace_id())
