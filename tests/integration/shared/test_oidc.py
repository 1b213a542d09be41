"""A service started with an OIDC issuer (a small real one on loopback, tests/oidc_idp.py): its
tokens are taken, a rotated key is found, and an issuer that cannot be reached is 503
problem+json, never 500, and the service takes its tokens once it is back."""
import json
import secrets

import httpx
import pytest

from tests.oidc_idp import LocalIdp
from tests.stack import eventually


@pytest.fixture
async def registry_and_idp(env):
    idp = LocalIdp()
    idp.down = True
    issuer = {"issuer": idp.issuer, "roles_claim": "realm_access.roles", "sub_claim": "preferred_username"}
    proc = env.start("registry", OMSORG_OIDC_ISSUERS=json.dumps([issuer]), OMSORG_OIDC_JWKS_MIN_REFRESH_SECONDS="1")
    await proc.wait_ready()
    try:
        async with httpx.AsyncClient(base_url=proc.url, timeout=30) as client:
            yield client, idp
    finally:
        idp.stop()


async def test_an_oidc_issuers_tokens_through_outage_and_rotation(registry_and_idp):
    client, idp = registry_and_idp

    def caseworker(**claims) -> dict[str, str]:
        token = idp.token(preferred_username="anna", unit="vuxen", realm_access={"roles": ["caseworker"]}, **claims)
        return {"Authorization": f"Bearer {token}"}

    down = await client.get("/staff", headers=caseworker())
    assert down.status_code == 503, down.text
    assert down.headers["content-type"] == "application/problem+json"
    assert down.json()["code"] == "idp_unavailable" and down.headers["Retry-After"] == "1"

    idp.down = False

    async def taken():
        return (await client.get("/staff", headers=caseworker())).status_code == 200
    assert await eventually(taken, timeout=10), "the issuer is back, its tokens are taken again"

    idp.rotate()
    assert await eventually(taken, timeout=10), "a token signed with a rotated key is taken"

    unknown = await client.get("/staff", headers=caseworker(kid=secrets.token_hex(6)))
    assert unknown.status_code == 401 and "no such key" in unknown.json()["detail"]
    wrong_audience = await client.get("/staff", headers=caseworker(aud="account"))
    assert wrong_audience.status_code == 401 and "another audience" in wrong_audience.json()["detail"]
