"""Every documented operation of every service, walked on the running stack: without a token
it is 401; with a token of each role the policy does not allow for its action it is 403;
each operation names an action of the policy or is one of the few public ones; and nothing
can be deleted (no DELETE operation, and DELETE on every path is 405)."""
import re
import uuid

import httpx
import pytest

from shared.access.policy import ACTION_EXTENSION, PUBLIC_EXTENSION, policy
from shared.auth import ROLES
from tests.pins import make_pin

PUBLIC = {("GET", "/health"), ("GET", "/ready"), ("GET", "/metrics"), ("GET", "/events/asyncapi.json")}
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}

# What each role's token carries besides the role, as a real user's would.
CLAIMS = {"caseworker": {"unit": "vuxen"}, "supervisor": {"unit": "vuxen"}, "object_specialist": {},
          "support": {}, "family_law": {}, "provider_user": {"provider_id": str(uuid.uuid4())},
          "citizen": {"pin": make_pin()}, "service": {}}


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), path)


def _assert_problem(response: httpx.Response, status: int, code: str, where: str) -> None:
    assert response.status_code == status, f"{where}: {response.status_code} {response.text}"
    assert response.headers["content-type"].startswith("application/problem+json"), where
    assert response.json()["code"] == code, f"{where}: {response.text}"


@pytest.fixture(scope="module")
async def documents(stack):
    env, procs = stack
    found = {}
    async with httpx.AsyncClient() as client:
        for name, proc in procs.items():
            response = await client.get(f"{proc.url}/openapi.json")
            assert response.status_code == 200
            found[name] = (proc.url, response.json())
    return found


def _operations(documents):
    for service, (url, document) in documents.items():
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                yield service, url, method.upper(), path, operation


async def test_every_operation_has_an_action_or_is_public(documents):
    for service, _, method, path, operation in _operations(documents):
        action, public = operation.get(ACTION_EXTENSION), operation.get(PUBLIC_EXTENSION) is True
        where = f"{service}: {method} {path}"
        assert (action is None) != (not public), f"{where} has neither an action nor is public (or both)"
        if public:
            assert (method, path) in PUBLIC, f"{where} is marked public but is not one of {sorted(PUBLIC)}"
        else:
            assert action.startswith(f"{service}:"), f"{where} names another service's action {action}"
            assert action in policy().actions, f"{where} names {action}, which the policy lacks"
        assert method != "DELETE", f"{where}: nothing is deleted, not even by an operation"


async def test_no_token_is_401_and_a_role_without_the_action_is_403(stack, documents):
    env, _ = stack
    operations = requests = 0
    async with httpx.AsyncClient(timeout=10) as client:
        for service, url, method, path, operation in _operations(documents):
            action = operation.get(ACTION_EXTENSION)
            if action is None:
                continue
            operations += 1
            target = f"{url}{_concrete(path)}"
            where = f"{service}: {method} {path} ({action})"
            # An empty JSON body: the token is judged before the body is, so it never gets that far.
            body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
            _assert_problem(await client.request(method, target, **body), 401, "unauthorized", where)
            requests += 1
            allowed = set(policy().roles_for(action))
            for role in ROLES:
                if role in allowed:
                    continue
                headers = env.auth(role, f"walk-{role}", **CLAIMS[role])
                response = await client.request(method, target, headers=headers, **body)
                _assert_problem(response, 403, "forbidden", f"{where} as {role}")
                requests += 1
    print(f"\nroute walk: {operations} guarded operations in {len(documents)} services,"
          f" {requests} refused requests ({requests - operations} role/operation combinations with 403)")
    assert operations > 0


async def test_delete_is_405_on_every_path(stack, documents):
    env, _ = stack
    paths = 0
    async with httpx.AsyncClient(timeout=10) as client:
        for service, (url, document) in documents.items():
            for path in document["paths"]:
                for headers in ({}, env.auth("support")):
                    response = await client.delete(f"{url}{_concrete(path)}", headers=headers)
                    assert response.status_code == 405, f"{service}: DELETE {path}: {response.text}"
                    allowed = set(response.headers.get("Allow", "").replace(" ", "").split(","))
                    assert allowed and allowed <= METHODS - {"DELETE"}, f"{service}: DELETE {path}: Allow {allowed}"
                paths += 1
    print(f"\nDELETE answered 405 on {paths} paths")
