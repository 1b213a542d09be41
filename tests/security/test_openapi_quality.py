"""An API an integrator can read: each running service's OpenAPI document has short operation ids,
a description on every operation, an example of every JSON request body and of every JSON success
answer (each valid against its schema), every error answer documented as problem+json, and a
Location header on every 201 whose resource can be read on its own; and the answers keep the
promises: Location leads to the resource, Cache-Control: no-store and X-Request-Id on the API's
answers, request_id in a problem, CORS only for configured origins, /docs from no CDN."""
import re

import httpx
import pytest
from jsonschema import Draft202012Validator

from tests.pins import make_pin
from tests.stack import SERVICES

PROBLEM = "application/problem+json"

# 201 answers whose resource has no GET of its own (yet), so no Location can name it.
NO_OWN_GET = {
    ("registry", "/inquiries/{inquiry_id}/investigation"),
    ("orders", "/provider/orders/{order_id}/deliveries"),
    # An approval makes a culling per person; each is read at /retention/cullings/{culling_id}.
    ("registry", "/retention/cullings"),
    # A new webhook secret is shown once; GET on the same path shows its version, never the secret.
    ("orders", "/providers/{provider_id}/webhook-secret"),
}


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def _resolved(document: dict, schema: dict) -> dict:
    """The schema a `$ref` names in components/schemas (the schema itself if it is no `$ref`)."""
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _has_example(document: dict, media: dict) -> bool:
    schema = _resolved(document, media.get("schema", {}))
    return any(k in media for k in ("example", "examples")) or any(k in schema for k in ("example", "examples"))


def _examples_of(media: dict) -> list:
    """The examples of a media type object: `example`, and the `value` of each of `examples`."""
    found = [media["example"]] if "example" in media else []
    return found + [e["value"] for e in media.get("examples", {}).values() if "value" in e]


def _schema_examples(schema: dict, where: str):
    """(where, schema, example) for each example in a schema and in the schemas inside it."""
    if not isinstance(schema, dict):
        return
    for example in schema.get("examples", []) + ([schema["example"]] if "example" in schema else []):
        yield where, schema, example
    for name, inner in schema.get("properties", {}).items():
        yield from _schema_examples(inner, f"{where}.{name}")
    for key in ("items", "additionalProperties"):
        yield from _schema_examples(schema.get(key), f"{where}[]")
    for key in ("anyOf", "oneOf", "allOf"):
        for inner in schema.get(key, []):
            yield from _schema_examples(inner, where)


def _invalid_examples(document: dict, service: str) -> list[str]:
    """Every example (in components/schemas, and on each request body and answer) that its schema
    refuses; `$ref`s resolve against the document's components."""
    def refused(schema: dict, example) -> str | None:
        # The document's components beside the schema: `#/components/schemas/...` resolves in it.
        validator = Draft202012Validator({**schema, "components": document.get("components", {})},
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        error = next(iter(validator.iter_errors(example)), None)
        return error and f"{list(error.absolute_path)}: {error.message}"

    faults = []
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        for where, inner, example in _schema_examples(schema, name):
            if (error := refused(inner, example)):
                faults.append(f"{service} schema {where}: example is not valid: {error}")
    for path, item in document["paths"].items():
        for method, operation in item.items():
            answers = [(f"{status} answer", r) for status, r in operation.get("responses", {}).items()]
            for what, part in [("request body", operation.get("requestBody", {}))] + answers:
                for media_type, media in part.get("content", {}).items():
                    schema = media.get("schema") or {}
                    found = [(media_type, schema, e) for e in _examples_of(media)]
                    for inner_where, inner, example in found + list(_schema_examples(schema, media_type)):
                        if (error := refused(inner, example)):
                            faults.append(f"{service} {method.upper()} {path}: {what} example"
                                          f" ({inner_where}) is not valid: {error}")
    return faults


def _faults(service: str, document: dict) -> list[str]:
    faults = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            where = f"{service} {method.upper()} {path}"
            if "__" in operation.get("operationId", "__"):
                faults.append(f"{where}: operationId {operation.get('operationId')!r}")
            if not operation.get("summary"):
                faults.append(f"{where}: no summary")
            if not operation.get("description"):
                faults.append(f"{where}: no description")
            for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
                if _is_json(media_type) and not _has_example(document, media):
                    faults.append(f"{where}: no example of the {media_type} request body")
            for status, response in operation.get("responses", {}).items():
                for media_type, media in response.get("content", {}).items():
                    if status[0] == "2" and _is_json(media_type) and not _has_example(document, media):
                        faults.append(f"{where}: no example of the {status} {media_type} answer")
            for status, response in operation.get("responses", {}).items():
                if status[0] in "45" and set(response.get("content", {})) != {PROBLEM}:
                    faults.append(f"{where}: {status} is not documented as {PROBLEM}")
            if "201" in operation.get("responses", {}) and (service, path) not in NO_OWN_GET:
                if "Location" not in operation["responses"]["201"].get("headers", {}):
                    faults.append(f"{where}: 201 without a Location header")
            if "x-omsorg-action" in operation:
                missing = {"401", "403"} - set(operation["responses"])
                if missing:
                    faults.append(f"{where}: guarded, but {sorted(missing)} not documented")
            if (operation.get("parameters") or "requestBody" in operation) and "422" not in operation["responses"]:
                faults.append(f"{where}: takes input, but 422 is not documented")
    if "HTTPValidationError" in str(document):
        faults.append(f"{service}: FastAPI's HTTPValidationError is still in the document")
    return faults + _invalid_examples(document, service)


async def test_every_operation_is_documented_for_an_integrator(stack):
    env, procs = stack
    faults = []
    async with httpx.AsyncClient(timeout=30) as client:
        for service in SERVICES:
            document = (await client.get(f"{procs[service].url}/openapi.json")).json()
            assert "Problem" in document["components"]["schemas"]
            faults += _faults(service, document)
    assert not faults, "\n".join(faults)


async def test_a_201_has_a_location_that_reads_what_was_made(stack):
    env, procs = stack
    async with httpx.AsyncClient(base_url=procs["registry"].url, timeout=30, headers=env.auth()) as client:
        made = await client.post("/persons", json={"pin": make_pin(), "first_name": "Tolvan",
                                                   "last_name": "Tolvansson"})
        assert made.status_code == 201, made.text
        assert made.headers["Location"] == f"/persons/{made.json()['id']}"
        read = await client.get(made.headers["Location"])
        assert read.status_code == 200 and read.json()["id"] == made.json()["id"]


async def test_answers_carry_no_store_a_request_id_and_a_problem_names_it(stack):
    env, procs = stack
    async with httpx.AsyncClient(base_url=procs["journal"].url, timeout=30, headers=env.auth()) as client:
        invalid = await client.get("/cases/not-a-uuid/notes", headers={"X-Request-Id": "abc-123.x_Y"})
        assert invalid.status_code == 422
        assert invalid.headers["Cache-Control"] == "no-store"
        assert invalid.headers["X-Request-Id"] == "abc-123.x_Y"
        assert invalid.headers["Content-Type"].startswith(PROBLEM)
        assert invalid.json()["request_id"] == "abc-123.x_Y"
        assert re.fullmatch(r"[0-9a-f]{32}", invalid.json()["trace_id"])
        assert invalid.headers["X-Trace-Id"] == invalid.json()["trace_id"]
        # An id a client may not choose (too long, or odd characters) is replaced by one of ours.
        for unusable in ("x" * 65, "a b", "<script>"):
            answer = await client.get("/cases/not-a-uuid/notes", headers={"X-Request-Id": unusable})
            assert answer.headers["X-Request-Id"] != unusable
            assert re.fullmatch(r"[A-Za-z0-9._-]{1,64}", answer.headers["X-Request-Id"])
            assert answer.json()["request_id"] == answer.headers["X-Request-Id"]
        unauthorized = await client.get("/notes/00000000-0000-0000-0000-000000000000", headers={"Authorization": ""})
        assert unauthorized.status_code == 401 and unauthorized.headers["Cache-Control"] == "no-store"
        assert unauthorized.json()["request_id"] == unauthorized.headers["X-Request-Id"]
        # Documents and probes carry no personal data and may be cached.
        for path in ("/health", "/openapi.json", "/docs"):
            answer = await client.get(path)
            assert answer.status_code == 200 and answer.headers.get("Cache-Control") != "no-store"
            assert answer.headers["X-Request-Id"]


async def test_docs_load_nothing_from_another_host(stack):
    env, procs = stack
    async with httpx.AsyncClient(base_url=procs["registry"].url, timeout=30) as client:
        page = await client.get("/docs")
        assert page.status_code == 200
        assert not re.findall(r"""(?:src|href)=["']?(?:https?:)?//""", page.text), page.text
        assert "cdn" not in page.text.lower()
        for asset in re.findall(r"""(?:src|href)=["']([^"']+\.(?:js|css))""", page.text):
            assert (await client.get(asset)).status_code == 200, asset


async def test_cors_only_for_the_configured_origins(env):
    proc = env.start("watch", OMSORG_CORS_ORIGINS="https://portal.example.se, https://other.example.se")
    await proc.wait_ready()
    preflight = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"}
    async with httpx.AsyncClient(base_url=proc.url, timeout=30) as client:
        allowed = await client.options("/watches", headers={"Origin": "https://portal.example.se", **preflight})
        assert allowed.status_code == 200
        assert allowed.headers["Access-Control-Allow-Origin"] == "https://portal.example.se"
        assert "GET" in allowed.headers["Access-Control-Allow-Methods"]
        other = await client.options("/watches", headers={"Origin": "https://evil.example.com", **preflight})
        assert "Access-Control-Allow-Origin" not in other.headers
        simple = await client.get("/watches", headers={"Origin": "https://portal.example.se", **env.auth()})
        assert simple.headers["Access-Control-Allow-Origin"] == "https://portal.example.se"
        assert "X-Request-Id" in simple.headers["Access-Control-Expose-Headers"]


async def test_no_cors_headers_by_default(stack):
    env, procs = stack
    async with httpx.AsyncClient(base_url=procs["watch"].url, timeout=30) as client:
        answer = await client.options("/watches", headers={"Origin": "https://portal.example.se",
                                                           "Access-Control-Request-Method": "GET"})
        assert "Access-Control-Allow-Origin" not in answer.headers
