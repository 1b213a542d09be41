"""Requests without a valid token get 401; a role that may not do a thing gets 403."""
from datetime import datetime, timedelta, timezone

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.settings import DEV_JWT_SECRET, Settings
from tests.pins import register_person
from tests.stack import session_issuer

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
    token = env.token("caseworker", sub="anna", unit="barn-och-unga",
                      now=datetime.now(timezone.utc) - timedelta(hours=9))
    response = await client.post("/cases", json=NEW_CASE, headers=_bearer(token))
    assert response.status_code == 401


def _claims(iss: str) -> dict:
    now = datetime.now(timezone.utc)
    return {"sub": "mallory", "roles": ["supervisor"], "unit": "barn-och-unga", "iss": iss, "aud": "omsorg",
            "iat": now, "exp": now + timedelta(hours=1)}


async def test_token_signed_with_another_key_is_401(registry):
    """RS256 with the test issuer's name and key id, signed with a key it never published."""
    env, client = registry
    kid = jwt.get_unverified_header(env.token())["kid"]
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(_claims(session_issuer().url), other, algorithm="RS256", headers={"kid": kid})
    response = await client.post("/cases", json=NEW_CASE, headers=_bearer(forged))
    assert response.status_code == 401
    assert "signature does not match" in response.json()["detail"]


@pytest.mark.parametrize("issuer, secret", [
    ("local", DEV_JWT_SECRET),  # the local issuer's, with dev and test's former default secret
    ("stack", "a-secret-that-is-long-enough-for-hs256-0123456789"),  # the stack's OIDC issuer by name
])
async def test_the_test_stack_takes_no_hs256_token(registry, issuer, secret):
    """The services of the test stack trust only the test issuer (OMSORG_OIDC_ISSUERS) and have no
    OMSORG_JWT_SECRET: no HS256 token is taken, whichever issuer it names."""
    env, client = registry
    iss = Settings(env="test").jwt_issuer if issuer == "local" else session_issuer().url
    token = jwt.encode(_claims(iss), secret, algorithm="HS256")
    response = await client.post("/cases", json=NEW_CASE, headers=_bearer(token))
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"
    assert ("another issuer" if issuer == "local" else "does not sign with that algorithm") in response.json()["detail"]
    # The same claims signed by the test issuer are taken: the refusal is the algorithm's, not the person's.
    taken = await client.post("/cases", json=NEW_CASE, headers=env.auth("supervisor", sub="mallory",
                                                                         unit="barn-och-unga"))
    assert taken.status_code != 401, taken.text


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
