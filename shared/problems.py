"""RFC 9457 problem+json errors with a stable `code`, for every service."""
import logging

from asyncpg.exceptions import (
    CharacterNotInRepertoireError,
    OperatorInterventionError,
    PostgresConnectionError,
    UntranslatableCharacterError,
)
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import DomainError, Kind

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"

_CODES_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


# The database cannot be reached, went away under the request (a restart, a fail-over: its
# connections are cut), or refuses connections while it starts or shuts down: the service is
# unavailable for a moment, not broken, and the request may be sent again (503 with Retry-After).
# An answer that was begun is never replaced (shared/openapi.py).
DATABASE_GONE = (PostgresConnectionError, OperatorInterventionError, ConnectionError, TimeoutError)
DATABASE_RETRY_AFTER_SECONDS = 5

# The answer to each kind of domain error.
STATUS_OF_KIND = {Kind.INVALID: 422, Kind.NOT_FOUND: 404, Kind.CONFLICT: 409, Kind.GONE: 410,
                  Kind.FORBIDDEN: 403, Kind.TOO_LARGE: 413, Kind.PRECONDITION_FAILED: 412}


# What a validation error of each kind says; the type itself stays in `errors[].type`.
_VALIDATION_WORDS = {
    "missing": "required", "extra_forbidden": "not a field of this request",
    "string_too_short": "too short", "string_too_long": "too long", "too_short": "too few items",
    "too_long": "too many items", "string_pattern_mismatch": "not in the expected form",
    "greater_than": "too small", "greater_than_equal": "too small", "less_than": "too large",
    "less_than_equal": "too large", "int_parsing": "not a whole number", "int_type": "not a whole number",
    "string_type": "not text", "bool_parsing": "not true or false", "bool_type": "not true or false",
    "date_parsing": "not a date (YYYY-MM-DD)", "date_from_datetime_parsing": "not a date (YYYY-MM-DD)",
    "datetime_parsing": "not a moment with a time zone", "datetime_from_date_parsing": "not a moment with a time zone",
    "timezone_aware": "must carry a time zone", "uuid_parsing": "not a UUID", "uuid_type": "not a UUID",
    "literal_error": "not one of the allowed values", "enum": "not one of the allowed values",
    "url_parsing": "not a URL", "url_scheme": "not an allowed URL scheme", "json_invalid": "not valid JSON",
    "model_attributes_type": "not an object", "dict_type": "not an object", "list_type": "not a list",
    "value_error": "not valid here", "assertion_error": "not valid here",
}


def _validation_words(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "value_error" and isinstance(error.get("ctx", {}).get("error"), ValueError):
        return str(error["ctx"]["error"])  # a check of our own models, in our own words
    return _VALIDATION_WORDS.get(kind, "not valid here")


def status_of(error: DomainError) -> int:
    return STATUS_OF_KIND[error.kind]


class Problem(Exception):
    """An error of the HTTP layer itself (401, 400 for a missing header...). The rules raise
    `shared.errors.DomainError` instead, which carries a kind rather than a status."""

    def __init__(self, status: int, code: str, title: str, detail: str | None = None,
                 headers: dict[str, str] | None = None, **extra):
        super().__init__(detail or title)
        self.headers = headers or {}
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.extra = extra


def problem_response(status: int, code: str, title: str, detail=None, instance=None,
                     headers: dict[str, str] | None = None, **extra) -> JSONResponse:
    body = {"type": f"https://omsorg.se/problems/{code}", "title": title, "status": status, "code": code}
    if detail is not None:
        body["detail"] = detail
    if instance is not None:
        body["instance"] = instance
    body.update(extra)
    # Lazy: shared.openapi reads the access policy, which imports this module's neighbours.
    from shared.openapi import problem_extras
    for key, value in problem_extras().items():
        body.setdefault(key, value)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem):
        return problem_response(exc.status, exc.code, exc.title, exc.detail, request.url.path, exc.headers,
                                **exc.extra)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError):
        return problem_response(STATUS_OF_KIND[exc.kind], exc.code, exc.title, exc.detail, request.url.path,
                                **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        # Our own words by the error's type, never the library's message (which may echo input).
        errors = [
            {"loc": [str(part) for part in e.get("loc", ())], "msg": _validation_words(e), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return problem_response(422, "validation_error", "The request is not valid",
                                "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors),
                                request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code = _CODES_BY_STATUS.get(exc.status_code, "http_error")
        # Starlette's own headers (405's Allow) go with the answer.
        return problem_response(exc.status_code, code, str(exc.detail), getattr(exc, "problem_detail", None),
                                request.url.path, getattr(exc, "headers", None))

    async def _unstorable_text(request: Request, exc: Exception):
        # PostgreSQL text and jsonb cannot hold NUL (\u0000): bad input, whichever field it came in.
        return problem_response(422, "invalid_character", "The request contains a character that cannot be stored",
                                "text must not contain NUL (\\u0000) characters", request.url.path)

    app.add_exception_handler(CharacterNotInRepertoireError, _unstorable_text)
    app.add_exception_handler(UntranslatableCharacterError, _unstorable_text)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        if isinstance(exc, DATABASE_GONE):
            log.warning("the database is unavailable on %s %s: %s", request.method, request.url.path,
                        type(exc).__name__)
            return problem_response(503, "database_unavailable", "The service's database cannot be reached just now",
                                    f"try again in {DATABASE_RETRY_AFTER_SECONDS} seconds", request.url.path,
                                    {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)})
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(500, "internal_error", "Something went wrong on our side",
                                None, request.url.path)
