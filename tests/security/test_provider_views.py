"""What a provider sees of an order carries no field it may not see (OWASP API3, broken object
property level authorization): no identity number, address, journal or caseworker's notes, and
none of the municipality's internal bookkeeping (case, unit, who sent it, its history, other
providers). Checked on the response schemas of every provider-facing operation in orders'
OpenAPI, and on real answers."""
import httpx

from tests.integration.orders.helpers import orders  # noqa: F401

# Field names that must not appear anywhere in what a provider user is answered.
DENIED = {
    # the person's identity and address
    "pin", "personal_identity_number", "personnummer", "samordningsnummer", "birth_date",
    "address", "street", "postal_code", "city", "protected_identity",
    # journal and the caseworker's own notes and reasons
    "note", "notes", "text", "versions", "addenda", "reason", "reasons", "recall_reason", "history",
    # the municipality's bookkeeping: case, unit, staff, other providers
    "case_id", "decision_id", "unit", "caseworker", "created_by", "sent_by", "opened_by_caseworker",
    "replaces_order_id", "replaced_by_order_id", "provider_name",
}
PROVIDER_PATHS = ("/provider/", "/reimbursements", "/prices")


def _fields(schema: dict, components: dict, seen: set[str] | None = None) -> set[str]:
    """Every property name reachable from `schema`, through refs, arrays and unions."""
    seen = set() if seen is None else seen
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return set()
        seen.add(name)
        return _fields(components[name], components, seen)
    names = set(schema.get("properties", {}))
    children = list(schema.get("properties", {}).values())
    children += [schema["items"]] if "items" in schema else []
    children += schema.get("anyOf", []) + schema.get("allOf", []) + schema.get("oneOf", [])
    if isinstance(schema.get("additionalProperties"), dict):
        children.append(schema["additionalProperties"])
    for child in children:
        names |= _fields(child, components, seen)
    return names


def provider_response_fields(document: dict) -> dict[str, set[str]]:
    components = document.get("components", {}).get("schemas", {})
    found = {}
    for path, item in document["paths"].items():
        if not path.startswith(PROVIDER_PATHS):
            continue
        for method, operation in item.items():
            for status, response in operation.get("responses", {}).items():
                if not status.startswith("2"):
                    continue
                for content in response.get("content", {}).values():
                    found[f"{method.upper()} {path} {status}"] = _fields(content.get("schema", {}), components)
    return found


async def test_provider_facing_response_schemas_carry_no_denied_field(orders):
    async with httpx.AsyncClient(base_url=orders.url) as client:
        document = (await client.get("/openapi.json")).json()
    found = provider_response_fields(document)
    assert any(k.startswith("GET /provider/orders/{order_id}") for k in found), sorted(found)
    leaks = {operation: sorted(names & DENIED) for operation, names in found.items() if names & DENIED}
    assert not leaks, leaks


async def test_a_provider_is_answered_nothing_denied(orders):
    provider = await orders.provider()
    order = await orders.sent_order(provider)
    internal = {order["case_id"], order["decision_id"], order["unit"], order["created_by"], order["provider_name"]}
    p = orders.provider_client(provider, "petra")
    answers = [await p.get("/provider/orders"), await p.get(f"/provider/orders/{order['id']}"),
               await p.post(f"/provider/orders/{order['id']}/confirm")]
    for answer in answers:
        assert answer.status_code == 200, answer.text
        body = answer.json()
        items = body["items"] if "items" in body else [body]
        for item in items:
            assert not set(item) & DENIED, sorted(set(item) & DENIED)
        for value in internal:
            assert value not in answer.text, f"{answer.request.url.path} shows {value!r}"
    assert answers[1].json()["details"] == order["details"], "what the provider needs is there"


def test_the_schema_walk_finds_nested_fields():
    document = {"paths": {"/provider/x": {"get": {"responses": {"200": {"content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Page"}}}}}}}},
        "components": {"schemas": {
            "Page": {"properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}},
            "Item": {"properties": {"owner": {"anyOf": [{"$ref": "#/components/schemas/Person"}, {"type": "null"}]}}},
            "Person": {"properties": {"pin": {"type": "string"}, "friend": {"$ref": "#/components/schemas/Person"}}},
        }}}
    assert provider_response_fields(document)["GET /provider/x 200"] == {"items", "owner", "pin", "friend"}
