"""Requests without a valid token get 401; a role that may not do a thing gets 403."""
from datetime import datetime, timedelta, timezone

import httpx
import jwt
import pytest

from shared.auth import issue_token
from tests.pins import register_person

# The person need not exist: these requests are refused before the case is looked at.
NEW_CASE = {"unit": "barn-och-unga", "kind": "SoL", "person_id": "00000000-0000-0000-0000-000000000001"}


@pytest.fixture
async def registry(stack):
    env, procs = stack
    async with httpx.AsyncClient(base_url=procs["registry"].url) as client:
        yield env, client


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_no_token_is_401_problem(registry):
    _, client = registry
    response = await client.post("/cases", json=NEW_CASE)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "unauthorized"


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c"])
async def test_garbage_token_is_401(registry, token):
    _, client = registry
    response = await client.post("/cases", json=NEW_CASE, headers=_bearer(token))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


async def test_expired_token_is_401(registry):
    env, client = registry
    token = issue_token(env.settings, sub="anna", roles=["caseworker"], unit="barn-och-unga",
                        now=datetime.now(timezone.utc) - timedelta(hours=9))
    response = await client.post("/cases", json=NEW_CASE, headers=_bearer(token))
    assert response.status_code == 401


async def test_token_signed_with_another_key_is_401(registry):
    env, client = registry
    now = datetime.now(timezone.utc)
    forged = jwt.encode({"sub": "mallory", "roles": ["supervisor"], "iss": env.settings.jwt_issuer,
                         "aud": env.settings.jwt_audience, "iat": now, "exp": now + timedelta(hours=1)},
                        "some-other-secret-that-is-long-enough", algorithm="HS256")
    response = await client.post("/cases", json=NEW_CASE, headers=_bearer(forged))
    assert response.status_code == 401


@pytest.mark.parametrize("role,claims", [
    ("citizen", {"pin": "191212121212"}),
    ("provider_user", {"provider_id": "hemtjanst-ab"}),
    ("family_law", {}),
])
async def test_wrong_role_is_403(registry, role, claims):
    env, client = registry
    response = await client.post("/cases", json=NEW_CASE, headers=env.auth(role, **claims))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "forbidden"


async def test_caseworker_of_another_unit_is_403(registry):
    env, client = registry
    response = await client.post("/cases", json=NEW_CASE, headers=env.auth("caseworker", unit="ekonomiskt-bistand"))
    assert response.status_code == 403
    assert response.json()["code"] == "other_unit"


async def test_right_role_opens_and_reads_a_case(registry):
    env, client = registry
    headers = env.auth("caseworker", unit="barn-och-unga")
    person_id = await register_person(client, headers)
    created = await client.post("/cases", json={**NEW_CASE, "person_id": person_id}, headers=headers)
    assert created.status_code == 201, created.text
    read = await client.get(f"/cases/{created.json()['id']}", headers=headers)
    assert read.status_code == 200
    assert read.json()["status"] == "open"
    citizen = await client.get(f"/cases/{created.json()['id']}", headers=env.auth("citizen", pin="191212121212"))
    assert citizen.status_code == 403
