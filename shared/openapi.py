"""What makes the API readable for an integrator: short operation ids, documented problem+json
errors, Location on 201, Cache-Control: no-store, X-Request-Id and X-Trace-Id on every answer,
CORS when configured, and Swagger UI served by the service itself (no CDN)."""
import contextvars
import json
import re
import secrets

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from opentelemetry import trace
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.staticfiles import StaticFiles

from shared.access.policy import ACTION_EXTENSION

PROBLEM_MEDIA_TYPE = "application/problem+json"
REQUEST_ID_HEADER = "X-Request-Id"
TRACE_ID_HEADER = "X-Trace-Id"
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

# The request id and trace id of the request being answered, for problem+json bodies.
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("omsorg_request_id", default=None)

# Answers that carry no personal data and may be cached.
CACHEABLE_PATHS = {"/health", "/ready", "/metrics", "/docs", "/openapi.json", "/events/asyncapi.json"}
ASSETS_PATH = "/docs/assets"


def operation_id(route: APIRoute) -> str:
    """The route function's name: `write_note`, not `write_note_cases__case_id__notes_post`."""
    return route.name


def service_router(**kwargs) -> APIRouter:
    """A router of a service's routes (prefix, tags, ...), each operation named by `operation_id`.
    Its routes go onto the app's own router (shared/service.py), so they are named here, where
    they are made, not when included."""
    return APIRouter(generate_unique_id_function=operation_id, **kwargs)


def ensure_named_by_function(router: APIRouter) -> None:
    """Fails at start-up on a route whose operation is not named by `operation_id`: one made on a
    plain `APIRouter` instead of a `service_router`."""
    for route in router.routes:
        if isinstance(route, APIRoute) and route.unique_id != (route.operation_id or operation_id(route)):
            raise RuntimeError(f"{','.join(sorted(route.methods))} {route.path}: its router must be made"
                               " by shared.openapi.service_router, so that its operation is named"
                               f" {operation_id(route)!r}, not {route.unique_id!r}")


def ensure_unique_operation_ids(schema: dict) -> None:
    """Fails (at start-up: create_app builds the document) on an operationId used twice."""
    seen: dict[str, str] = {}
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            name, where = operation.get("operationId"), f"{method.upper()} {path}"
            if name in seen:
                raise RuntimeError(f"operationId {name!r} is used by {seen[name]} and {where};"
                                   " give one of the route functions another name")
            seen[name] = where


def current_trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


def problem_extras() -> dict:
    """`request_id` and, inside a span, `trace_id`: what a problem+json body carries to find the request."""
    extras = {}
    request_id = request_id_var.get()
    if request_id:
        extras["request_id"] = request_id
    trace_id = current_trace_id()
    if trace_id:
        extras["trace_id"] = trace_id
    return extras


# ---- the documents ------------------------------------------------------------------------

PROBLEM_SCHEMA = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details. `code` is stable; `title` and `detail` are for people."
                   " Other members may follow (e.g. `errors` on a 422).",
    "properties": {
        "type": {"type": "string", "format": "uri", "description": "https://omsorg.se/problems/{code}"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "Stable, for programs to act on"},
        "instance": {"type": "string", "description": "The path of the request"},
        "request_id": {"type": "string", "description": "The X-Request-Id of the request"},
        "trace_id": {"type": "string", "description": "The OpenTelemetry trace id of the request"},
        "errors": {"type": "array", "description": "On a 422: each invalid field",
                   "items": {"type": "object", "properties": {
                       "loc": {"type": "array", "items": {"type": "string"}},
                       "msg": {"type": "string"}, "type": {"type": "string"}}}},
    },
    "required": ["type", "title", "status", "code"],
    "additionalProperties": True,
}

_ERROR_WORDS = {
    400: "Bad request: a required header is missing or unusable",
    401: "No valid bearer token",
    403: "Not allowed for your role",
    404: "Not found, or not yours to see",
    409: "Not possible in the resource's present state",
    410: "It was there and has been removed",
    412: "If-Match names a version that is no longer current (`etag_mismatch`): read it again",
    413: "The body is too large",
    422: "The request is not valid (`errors` lists each field)",
    429: "Too many requests: wait for Retry-After",
    503: "The token's identity provider (`idp_unavailable`) or the service's database (`database_unavailable`)"
         " cannot be reached just now: wait for Retry-After",
}

_LOCATION = {"Location": {"description": "The URL of the created resource", "schema": {"type": "string"}}}


def _problem_content() -> dict:
    return {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def _errors_that_apply(method: str, path: str, operation: dict) -> set[int]:
    statuses = set()
    guarded = ACTION_EXTENSION in operation
    parameters = operation.get("parameters", [])
    if guarded:
        statuses |= {401, 403, 429, 503}
    if "{" in path:
        statuses |= {404}
        if method != "get":
            statuses |= {409, 410}
    elif method != "get" and guarded:
        statuses |= {409}
    if parameters or "requestBody" in operation:
        statuses.add(422)
    if "requestBody" in operation:
        statuses.add(413)
    if any(p.get("in") == "header" for p in parameters):
        statuses.add(400)
    if any(p.get("in") == "header" and p.get("name", "").lower() == "if-match" for p in parameters):
        statuses.add(412)
    return statuses


def _may_be_null(schema: dict, schemas: dict) -> bool:
    schema = _dereferenced(schema, schemas)
    return schema.get("type") == "null" or any(_may_be_null(s, schemas) for s in schema.get("anyOf", []))


def _dereferenced(schema: dict, schemas: dict) -> dict:
    while isinstance(schema, dict) and "$ref" in schema:
        schema = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
    return schema if isinstance(schema, dict) else {}


def _with_nulls(example, schema: dict, schemas: dict):
    """The example with its null members back. FastAPI leaves out every null of the document
    (`exclude_none`), also those of examples; a required member that may be null and is missing
    from an example was a null."""
    schema = _dereferenced(schema, schemas)
    if isinstance(example, list):
        return [_with_nulls(item, schema.get("items", {}), schemas) for item in example]
    if not isinstance(example, dict):
        return example
    branches = [b for b in schema.get("anyOf", []) if not _may_be_null(b, schemas)]
    if len(branches) == 1:
        return _with_nulls(example, branches[0], schemas)
    properties = schema.get("properties", {})
    restored = {name: _with_nulls(value, properties.get(name, {}), schemas) for name, value in example.items()}
    for name in schema.get("required", []):
        if name not in restored and name in properties and _may_be_null(properties[name], schemas):
            restored[name] = None
    return restored


def restore_example_nulls(schema: dict) -> None:
    """Puts back the nulls FastAPI took out of the examples of schemas and of media types."""
    schemas = schema.get("components", {}).get("schemas", {})
    for component in schemas.values():
        if "examples" in component:
            component["examples"] = [_with_nulls(e, component, schemas) for e in component["examples"]]
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            parts = [operation.get("requestBody", {})] + list(operation.get("responses", {}).values())
            for media in (m for part in parts for m in part.get("content", {}).values()):
                if "example" in media:
                    media["example"] = _with_nulls(media["example"], media.get("schema", {}), schemas)
                for named in media.get("examples", {}).values():
                    if "value" in named:
                        named["value"] = _with_nulls(named["value"], media.get("schema", {}), schemas)


def document_operations(schema: dict) -> dict:
    """Every error answer as problem+json with the `Problem` schema; Location on every 201; the
    nulls of every example."""
    ensure_unique_operation_ids(schema)
    restore_example_nulls(schema)
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Problem"] = PROBLEM_SCHEMA
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if path in CACHEABLE_PATHS:
                continue
            responses = operation.setdefault("responses", {})
            for status in _errors_that_apply(method, path, operation):
                responses.setdefault(str(status), {"description": _ERROR_WORDS[status]})
            for status, response in responses.items():
                if status[0] in "45":
                    if status == "422":
                        response["description"] = _ERROR_WORDS[422]
                    response["content"] = _problem_content()
    # Location where the created resource can be read on its own (a GET of it exists).
    for path, item in schema.get("paths", {}).items():
        for operation in item.values():
            if operation.get("operationId") in location_templates(schema):
                operation["responses"]["201"].setdefault("headers", {}).update(_LOCATION)
    return schema


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = document_operations(get_openapi(
                title=app.title, version=app.version, openapi_version=app.openapi_version,
                description=app.description, routes=app.routes, servers=app.servers))
        return app.openapi_schema

    app.openapi = openapi


def install_docs(app: FastAPI) -> None:
    """/docs from Swagger UI's own files in the swagger-ui-bundle-v2 package, never a CDN.
    Create the app with docs_url=None."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount(ASSETS_PATH, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui-assets")

    async def swagger_ui():
        return get_swagger_ui_html(openapi_url=app.openapi_url, title=f"{app.title} - API",
                                   swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
                                   swagger_favicon_url=f"{ASSETS_PATH}/favicon-32x32.png")

    app.add_api_route("/docs", swagger_ui, include_in_schema=False)


# ---- the answers --------------------------------------------------------------------------

def _ref_of(response: dict | None) -> str | None:
    schema = ((response or {}).get("content", {}).get("application/json", {}).get("schema", {}))
    return schema.get("$ref")


def location_templates(schema: dict) -> dict[str, str]:
    """operationId of each operation answering 201 -> the path of the GET operation that reads
    what it made: the GET ending in its one path parameter whose answer has the same schema
    (a note written or corrected is read at GET /notes/{note_id}); of several, the one whose
    path starts most like the POST's."""
    gets = []
    for path, item in schema.get("paths", {}).items():
        get = item.get("get")
        if get and path.endswith("}") and path.count("{") == 1 and _ref_of(get["responses"].get("200")):
            gets.append((path, _ref_of(get["responses"]["200"])))
    found = {}
    for path, item in schema.get("paths", {}).items():
        for operation in item.values():
            created = _ref_of(operation.get("responses", {}).get("201"))
            candidates = [g for g, ref in gets if created and ref == created]
            candidates.sort(key=lambda g: -len(_common_prefix(g, path)))
            if candidates:
                found[operation["operationId"]] = candidates[0]
    return found


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


class ApiHeadersMiddleware:
    """X-Request-Id and X-Trace-Id on every answer, Cache-Control: no-store on the API's, and
    Location on a 201 (from the `id` of the answer and the route's location template)."""

    def __init__(self, app, fastapi: FastAPI):
        self.app = app
        self.fastapi = fastapi
        self._templates: dict[str, str] | None = None

    def templates(self) -> dict[str, str]:
        if self._templates is None:
            self._templates = location_templates(self.fastapi.openapi())
        return self._templates

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        incoming = None
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = incoming if incoming and _VALID_REQUEST_ID.fullmatch(incoming) else secrets.token_hex(16)
        token = request_id_var.set(request_id)
        path = scope.get("path", "")
        cacheable = path in CACHEABLE_PATHS or path.startswith(ASSETS_PATH + "/")
        held: list[dict] = []

        def headers_for(message: dict) -> list:
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in
                       (b"x-request-id", b"x-trace-id") and not (not cacheable and k.lower() == b"cache-control")]
            headers.append((b"x-request-id", request_id.encode()))
            trace_id = current_trace_id()
            if trace_id:
                headers.append((b"x-trace-id", trace_id.encode()))
            if not cacheable:
                headers.append((b"cache-control", b"no-store"))
            return headers

        started = False

        async def sending(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": headers_for(message)}
                if message["status"] == 201 and _operation_of(scope) in self.templates():
                    held.append(message)  # wait for the body, which names the id
                    return
                return await send(message)
            if held and message["type"] == "http.response.body":
                held.append(message)
                if message.get("more_body"):
                    return
                start, bodies = held[0], held[1:]
                body = b"".join(m.get("body", b"") for m in bodies)
                location = self._location(scope, body)
                if location:
                    start["headers"].append((b"location", location.encode()))
                held.clear()
                await send(start)
                return await send({"type": "http.response.body", "body": body})
            return await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            # An unhandled error would reach Starlette's ServerErrorMiddleware, which answers 500
            # outside this middleware: without X-Request-Id, and with the request id already
            # forgotten. The app's handler of Exception (shared/problems.py, which logs it)
            # answers here instead, and the error is recorded on the request's span.
            if started:
                raise
            span = trace.get_current_span()
            span.record_exception(exc)
            span.set_status(trace.Status(trace.StatusCode.ERROR, type(exc).__name__))
            handler = self.fastapi.exception_handlers.get(Exception)
            if handler is None:
                raise
            response = await handler(Request(scope), exc)
            await response(scope, receive, sending)
        finally:
            request_id_var.reset(token)

    def _location(self, scope, body: bytes) -> str | None:
        template = self.templates().get(_operation_of(scope))
        try:
            created = json.loads(body).get("id")
        except (ValueError, AttributeError):
            return None
        if template is None or created is None:
            return None
        location = re.sub(r"\{[^}]+\}", str(created), template)
        return scope.get("root_path", "") + location


def _operation_of(scope) -> str | None:
    return getattr(scope.get("route"), "name", None)


def install_middleware(app: FastAPI, cors_origins: list[str]) -> None:
    """Add after every other middleware of the app, so that these headers are on their answers too."""
    app.add_middleware(ApiHeadersMiddleware, fastapi=app)
    if cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=cors_origins, allow_credentials=False,
                           allow_methods=["*"], allow_headers=["*"],
                           expose_headers=["Location", REQUEST_ID_HEADER, TRACE_ID_HEADER, "Retry-After", "ETag"])
