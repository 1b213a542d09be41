"""Every list has a bounded page (OWASP API4): each GET operation (and each search, POST .../search)
of each running service whose
answer is a list, or a page holding one, takes a `limit` with a maximum, and `limit` above that
maximum is 422 problem+json. Read from the services' own OpenAPI documents, so a new list
endpoint without a bound fails here."""
import uuid

import httpx
import pytest

from shared.auth import ROLES
from tests.pins import make_pin
from tests.stack import SERVICES

# Operations whose answer holds an array but is not a list to page through.
NOT_LISTS = {
    ("registry", "/persons/search"): "a lookup by identity number: at most one person",
    ("registry", "/interventions"): "the intervention catalogue: a reviewed file of a few dozen entries",
    ("registry", "/cases/{case_id}/decisions/{decision_id}/execution"):
        "one decision's carrying out, with its few recorded actions and delay reasons",
    ("watch", "/reports/unexecuted-decisions/summary"):
        "counts per law, gender and status: at most a few dozen rows, whatever the unit's size",
}


def _deref(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _is_array(schema: dict, components: dict) -> bool:
    schema = _deref(schema, components)
    return schema.get("type") == "array" or any(_is_array(s, components) for s in schema.get("anyOf", ()))


def returns_list(operation: dict, components: dict) -> bool:
    """The 200 answer is an array, or an object with an array among its top-level fields."""
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    schema = _deref(content.get("application/json", {}).get("schema", {}), components)
    return _is_array(schema, components) or any(
        _is_array(field, components) for field in schema.get("properties", {}).values())


def list_operations(service: str, document: dict) -> list[tuple[str, str, dict]]:
    components = document.get("components", {}).get("schemas", {})
    found = []
    for path, item in document["paths"].items():
        method = "post" if path.endswith("/search") else "get"
        operation = item.get(method)
        if operation is None or path.endswith("}") or (service, path) in NOT_LISTS:
            continue  # a path ending in a parameter names one resource, not a list
        if returns_list(operation, components):
            found.append((method.upper(), path, operation))
    return found


def _everyone(env) -> dict[str, str]:
    """A token that passes every role check, so the requests reach validation."""
    token = env.token(sub="page-limits", roles=list(ROLES), unit="vuxen", provider_id=str(uuid.uuid4()),
                      pin=make_pin())
    return {"Authorization": f"Bearer {token}"}


def _limit_errors(response: httpx.Response) -> list[dict]:
    if response.status_code != 422:
        return []
    return [e for e in response.json().get("errors", []) if e["loc"][-1:] == ["limit"]]


async def test_every_list_has_a_bounded_limit(stack):
    env, procs = stack
    headers = _everyone(env)
    checked = []
    async with httpx.AsyncClient(timeout=30, headers=headers) as client:
        for service in SERVICES:
            base = procs[service].url
            document = (await client.get(f"{base}/openapi.json")).json()
            for method, path, operation in list_operations(service, document):
                where = f"{service} {method} {path}"
                # A search takes the number it searches for in its body.
                body = {"json": {"pin": make_pin()}} if method == "POST" else {}
                params = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
                assert "limit" in params, f"{where} returns a list but takes no `limit`"
                maximum = params["limit"]["schema"].get("maximum")
                assert isinstance(maximum, int), f"{where}: `limit` has no maximum"
                url = base + path.replace("{", "").replace("}", "")
                for name in [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]:
                    url = url.replace(name, str(uuid.uuid4()))

                over = await client.request(method, url, params={"limit": maximum + 1}, **body)
                assert over.status_code == 422, f"{where}?limit={maximum + 1}: {over.status_code} {over.text}"
                assert over.headers["content-type"] == "application/problem+json"
                assert over.json()["code"] == "validation_error"
                assert _limit_errors(over), f"{where}: the 422 is not about `limit`: {over.text}"

                at_most = await client.request(method, url, params={"limit": maximum}, **body)
                assert not _limit_errors(at_most), f"{where}?limit={maximum} refused: {at_most.text}"
                checked.append(where)
    # Guard against the walk silently finding nothing (e.g. a changed schema shape).
    assert len(checked) >= 12, checked


@pytest.mark.parametrize("document, expected", [
    ({"paths": {"/things": {"get": {"responses": {"200": {"content": {"application/json": {
        "schema": {"type": "array", "items": {}}}}}}}}}}, ["/things"]),
    ({"paths": {"/page": {"get": {"responses": {"200": {"content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Page"}}}}}}}},
      "components": {"schemas": {"Page": {"type": "object", "properties": {
          "items": {"anyOf": [{"type": "array"}, {"type": "null"}]}}}}}}, ["/page"]),
    ({"paths": {"/things/{id}": {"get": {"responses": {"200": {"content": {"application/json": {
        "schema": {"type": "array"}}}}}}},
                "/one": {"get": {"responses": {"200": {"content": {"application/json": {
                    "schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}}}}}}}, []),
])
def test_the_walk_recognises_lists_and_pages(document, expected):
    assert [path for _, path, _ in list_operations("x", document)] == expected
