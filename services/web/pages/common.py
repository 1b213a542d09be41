"""What every page shares: the templates, the session of the request, the CSRF check of a form,
the session cookie, a part of a page made from one service's answer, a change sent with the ETag
it was shown with, and the page for an address with no page."""
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qs, urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from services.web import formats, telemetry, texts
from services.web.backends import Answer, Backend, ServiceUnavailable
from services.web.sessions import COOKIE, Session, csrf_matches
from shared.oidc import is_loopback

log = logging.getLogger(__name__)

templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
templates.env.auto_reload = False  # the templates are part of the release: no stat() of each on every page


def query_with(current: dict[str, str | None], name: str, value: str | None, path: str = "/") -> str:
    """The address of a page of lists with one list's position changed and every other list's kept:
    `current` holds each list's cursor as given (None for its first page)."""
    params = {key: given for key, given in current.items() if given and key != name}
    if value:
        params[name] = value
    return f"{path}?{urlencode(params)}" if params else path


templates.env.globals.update(roles=texts.ROLES, units=texts.UNITS, texts=texts, query_with=query_with)
templates.env.filters.update(swedish_date=formats.swedish_date, swedish_time=formats.swedish_time,
                             local_iso=formats.local_iso, swedish_number=formats.swedish_number,
                             intervention_name=formats.intervention_name,
                             swedish_kronor=formats.swedish_kronor)

MAX_FORM_BYTES = 16 * 1024


class CsrfRejected(Exception):
    """A POST form without the session's CSRF token: answered 403 with a Swedish page."""


class NotSignedIn(Exception):
    """A page that needs a signed-in person was asked for without one: to the sign-in page."""


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    context.setdefault("session", current_session(request))
    context.setdefault("request_id", getattr(request.state, "request_id", None))
    return templates.TemplateResponse(request, template, context, status_code=status_code)


@dataclass
class Section:
    """One part of a page made from one service's answer: the answer's body, or why it is not shown
    (the service does not answer, or refused), with the trace id to quote to support."""
    body: dict | None = None
    unavailable: str | None = None
    problem: str | None = None
    trace_id: str | None = None
    status: int | None = None  # the status of a service's refusal


async def section(request: Request, service: str, path: str, params: dict | None = None) -> Section:
    """GET a service's resource for one part of a page: a service that is down or refuses leaves
    that part saying so in Swedish, and the rest of the page is shown."""
    backend: Backend = request.app.state.backends[service]
    try:
        answer = await backend.get(path, request.state.session.token, request.state.request_id, params=params)
    except ServiceUnavailable as exc:
        log.warning("a service did not answer: %s", exc)
        return Section(unavailable=texts.SERVICES[service], trace_id=telemetry.current_trace_id())
    if answer.status != 200:
        return Section(problem=texts.problem(answer.code), trace_id=telemetry.current_trace_id(), status=answer.status)
    return Section(body=answer.body)


LIST_PAGE_SIZE = 200
MAX_PAGES = 5  # a list of more than 1,000 shows the first 1,000 and says so


async def every_page(request: Request, service: str, path: str, params: dict | None = None,
                     first: dict | None = None) -> Section:
    """All of a list, page by page (at most MAX_PAGES); `more` when some were left out. With
    `first`, the list's first page as read already (in a record of several lists), gone on from."""
    items: list = list(first["items"]) if first else []
    cursor = first["next_cursor"] if first else None
    pages = 1 if first else 0
    while pages < MAX_PAGES and (pages == 0 or cursor is not None):
        part = await section(request, service, path, {**(params or {}), "limit": LIST_PAGE_SIZE, "cursor": cursor})
        if part.body is None:
            return part
        items += part.body["items"]
        cursor = part.body["next_cursor"]
        pages += 1
    return Section(body={"items": items, "more": cursor is not None})


def current_session(request: Request) -> Session | None:
    if not hasattr(request.state, "session"):
        request.state.session = request.app.state.sessions.get(request.cookies.get(COOKIE))
    return request.state.session


async def signed_in(request: Request) -> Session:
    """The request's session with a signed-in person (a route dependency; a coroutine, as FastAPI
    runs a plain function dependency in a worker thread)."""
    session = current_session(request)
    if session is None or session.user is None:
        raise NotSignedIn()
    return session


SignedIn = Annotated[Session, Depends(signed_in)]


async def form_of(request: Request, max_bytes: int = MAX_FORM_BYTES) -> dict[str, str]:
    """The posted form (application/x-www-form-urlencoded), once its CSRF token has been checked
    against the session's: 403 otherwise, and for a form larger than `max_bytes`."""
    body = await request.body()
    if len(body) > max_bytes:
        raise CsrfRejected()
    try:
        fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
    except UnicodeDecodeError:
        fields = {}
    if not csrf_matches(current_session(request), fields.get("csrf_token")):
        raise CsrfRejected()
    return fields


def cookie_secure(request: Request) -> bool:
    """Secure always, except over plain http to loopback in dev and test (a developer's `make up`)."""
    env = request.app.state.settings.env
    return not (env in ("dev", "test") and request.url.scheme == "http" and is_loopback(str(request.url)))


def set_session_cookie(request: Request, response, session: Session) -> None:
    response.set_cookie(COOKIE, session.id, httponly=True, samesite="lax", secure=cookie_secure(request), path="/")


def clear_session_cookie(request: Request, response) -> None:
    response.delete_cookie(COOKIE, httponly=True, samesite="lax", secure=cookie_secure(request), path="/")


async def post_if_match(request: Request, service: str, path: str, json: dict | None, etag: str) -> Answer:
    """POST a form's change of a resource to a service with If-Match: `etag`, the ETag of the
    resource as the form showed it, so that only the version the person saw is changed (the service
    answers 412 etag_mismatch when it has changed since). A form without that ETag cannot say which
    version it changes: answered the same 412 without asking the service."""
    if not etag:
        return Answer(412, {"code": "etag_mismatch"})
    return await request.app.state.backends[service].post(path, request.state.session.token, json,
                                                           request.state.request_id, {"If-Match": etag})


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# The statuses of a service's refusal of a form that the page answers with as they are (the
# refusal is said on the page); anything else is a 400.
FORM_REFUSALS = (403, 404, 409, 410, 412, 422)


def form_refused_status(answer) -> int:
    return answer.status if answer.status in FORM_REFUSALS else 400


def not_shown(request: Request, title: str, answer) -> HTMLResponse:
    """A page whose main resource a service would not give (403, 404, 410 as they are; anything
    else a 502), said in Swedish with the trace id."""
    status = answer.status if answer.status in (403, 404, 410) else 502
    return render(request, "error.html", status_code=status, title=title, message=texts.problem(answer.code),
                  trace_id=telemetry.current_trace_id())


def not_found(request: Request) -> HTMLResponse:
    """The page for an address where there is no page (404), in Swedish with the trace id."""
    return render(request, "error.html", status_code=404, title="Sidan finns inte",
                  message="Det finns ingen sida på den här adressen.", trace_id=telemetry.current_trace_id())
