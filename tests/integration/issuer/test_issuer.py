"""The development OIDC issuer (services/issuer/) as a process: discovery and JWKS, the code flow
with PKCE, client credentials, key rotation and restart, end-session; the services trust it through
OMSORG_OIDC_ISSUERS exactly as they trust a municipality's identity provider, and take no HS256
token beside it."""
import asyncio
import json
import subprocess
import sys

import httpx
import jwt
import pytest

from shared.auth import issue_token
from shared.settings import DEV_JWT_SECRET, Settings
from tests.integration.issuer.helpers import IMPORT_CLIENT, IMPORT_SECRET, WEB, code_for, new_verifier, s256
from tests.oidc_idp import LocalIdp
from tests.stack import ROOT, eventually

CALLBACK = "http://127.0.0.1:8006/auth/callback"


@pytest.fixture
async def issuer(env, tmp_path):
    proc = env.start("issuer", OMSORG_ISSUER_KEY_DIR=str(tmp_path / "keys"))
    await proc.wait_ready()
    return proc


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def exchange(client: httpx.AsyncClient, issuer: str, **form: str) -> httpx.Response:
    return await client.post(f"{issuer}/token", data={"grant_type": "authorization_code", "client_id": WEB,
                                                      "redirect_uri": CALLBACK, **form})


async def test_its_tokens_are_taken_by_the_services_and_no_others(env, issuer):
    registry = env.start("registry", OMSORG_OIDC_ISSUERS=json.dumps([{"issuer": issuer.url}]))  # as `make up` runs it
    await registry.wait_ready()
    async with httpx.AsyncClient(timeout=30) as client:
        discovery = (await client.get(f"{issuer.url}/.well-known/openid-configuration")).json()
        assert discovery["issuer"] == issuer.url and discovery["code_challenge_methods_supported"] == ["S256"]
        assert discovery["end_session_endpoint"] == f"{issuer.url}/logout"
        [key] = (await client.get(discovery["jwks_uri"])).json()["keys"]
        assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig" and "d" not in key

        verifier = new_verifier()
        code = await code_for(client, issuer.url, verifier, CALLBACK, nonce="nonce-1", sub="anna",
                              role="caseworker", unit="vuxen")
        tokens = (await exchange(client, issuer.url, code=code, code_verifier=verifier)).json()
        claims = jwt.decode(tokens["access_token"], jwt.PyJWK(key).key, algorithms=["RS256"], audience="omsorg",
                            issuer=issuer.url)
        assert claims["sub"] == "anna" and claims["roles"] == ["caseworker"] and claims["unit"] == "vuxen"
        id_token = jwt.decode(tokens["id_token"], jwt.PyJWK(key).key, algorithms=["RS256"], audience=WEB)
        assert id_token["nonce"] == "nonce-1" and id_token["sub"] == "anna"
        assert (await client.get(f"{registry.url}/staff", headers=bearer(tokens["access_token"]))).status_code == 200

        # A service account: client credentials with its secret, the `service` role of the clients file.
        service = await client.post(f"{issuer.url}/token", data={"grant_type": "client_credentials"},
                                    auth=(IMPORT_CLIENT, IMPORT_SECRET))
        assert service.status_code == 200, service.text
        put = await client.put(f"{registry.url}/staff/anna", headers=bearer(service.json()["access_token"]),
                               json={"name": "Anna Andersson", "unit": "vuxen", "active_from": "2026-01-01"})
        assert put.status_code in (200, 201), put.text
        wrong = await client.post(f"{issuer.url}/token", data={"grant_type": "client_credentials"},
                                  auth=(IMPORT_CLIENT, "not-the-secret"))
        assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
        public = await client.post(f"{issuer.url}/token", data={"grant_type": "client_credentials", "client_id": WEB})
        assert public.status_code == 400 and public.json()["error"] == "unauthorized_client"

        # Neither the development HS256 secret nor another issuer's RS256 token is taken.
        hs256 = issue_token(Settings(env="test", jwt_secret=DEV_JWT_SECRET), sub="anna", roles=["caseworker"],
                            unit="vuxen")  # the local issuer's
        other = LocalIdp()
        try:
            foreign = other.token(sub="anna", roles=["caseworker"], unit="vuxen")
        finally:
            other.stop()
        for token in (hs256, foreign):
            refused = await client.get(f"{registry.url}/staff", headers=bearer(token))
            assert refused.status_code == 401 and "another issuer" in refused.json()["detail"]


async def test_a_code_is_taken_once_with_its_verifier_and_redirect_uri(issuer):
    async with httpx.AsyncClient(timeout=30) as client:
        verifier = new_verifier()
        code = await code_for(client, issuer.url, verifier, CALLBACK, sub="anna", role="caseworker", unit="vuxen")
        missing = await exchange(client, issuer.url, code=code)
        assert missing.status_code == 400 and missing.json()["error"] == "invalid_grant"
        assert missing.headers["cache-control"] == "no-store"
        # A failed attempt spends the code: the right verifier afterwards is too late.
        again = await exchange(client, issuer.url, code=code, code_verifier=verifier)
        assert again.status_code == 400 and again.json()["error"] == "invalid_grant"

        code = await code_for(client, issuer.url, verifier, CALLBACK, sub="anna", role="caseworker", unit="vuxen")
        wrong = await exchange(client, issuer.url, code=code, code_verifier=new_verifier())
        assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"

        code = await code_for(client, issuer.url, verifier, CALLBACK, sub="anna", role="caseworker", unit="vuxen")
        elsewhere = await exchange(client, issuer.url, code=code, code_verifier=verifier,
                                   redirect_uri="http://127.0.0.1:8006/other")
        assert elsewhere.status_code == 400 and elsewhere.json()["error"] == "invalid_grant"

        code = await code_for(client, issuer.url, verifier, CALLBACK, sub="anna", role="caseworker", unit="vuxen")
        assert (await exchange(client, issuer.url, code=code, code_verifier=verifier)).status_code == 200
        reused = await exchange(client, issuer.url, code=code, code_verifier=verifier)
        assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"


async def test_an_expired_code_is_refused(env, tmp_path):
    issuer = env.start("issuer", OMSORG_ISSUER_KEY_DIR=str(tmp_path / "keys"), OMSORG_ISSUER_CODE_SECONDS="1")
    await issuer.wait_ready()
    async with httpx.AsyncClient(timeout=30) as client:
        verifier = new_verifier()
        code = await code_for(client, issuer.url, verifier, CALLBACK, sub="anna", role="caseworker", unit="vuxen")
        await asyncio.sleep(1.5)
        late = await exchange(client, issuer.url, code=code, code_verifier=verifier)
        assert late.status_code == 400 and late.json()["error"] == "invalid_grant"


async def test_the_authorize_request_needs_pkce_s256_and_a_registered_redirect(issuer):
    base = {"response_type": "code", "client_id": WEB, "redirect_uri": CALLBACK, "scope": "openid", "state": "st",
            "nonce": "n"}
    async with httpx.AsyncClient(timeout=30) as client:
        for missing in ({}, {"code_challenge": "abc", "code_challenge_method": "plain"},
                        {"code_challenge_method": "S256"}):
            answer = await client.get(f"{issuer.url}/authorize", params={**base, **missing})
            assert answer.status_code == 302
            assert answer.headers["location"] == f"{CALLBACK}?error=invalid_request&state=st"
        pkce = {"code_challenge": s256(new_verifier()), "code_challenge_method": "S256"}
        # Any port of a loopback redirect URI is taken (RFC 8252, 7.3); another host or path is not,
        # and then the issuer sends nobody anywhere.
        taken = await client.get(f"{issuer.url}/authorize",
                                 params={**base, **pkce, "redirect_uri": "http://127.0.0.1:31999/auth/callback"})
        assert taken.status_code == 200
        for redirect in ("https://evil.example/auth/callback", "http://127.0.0.1:8006/elsewhere"):
            refused = await client.get(f"{issuer.url}/authorize", params={**base, **pkce, "redirect_uri": redirect})
            assert refused.status_code == 400 and "location" not in refused.headers
            assert "inte registrerad" in refused.text
        unknown = await client.get(f"{issuer.url}/authorize", params={**base, **pkce, "client_id": "nobody"})
        assert unknown.status_code == 400 and "okänd" in unknown.text
        # The page's own checks: a citizen needs a valid personnummer, a provider user a provider id.
        form = {**base, **pkce, "action": "sign-in"}
        citizen = await client.post(f"{issuer.url}/authorize", data={**form, "sub": "c", "role": "citizen",
                                                                     "pin": "19121212-1213"})
        assert citizen.status_code == 422 and "giltigt personnummer" in citizen.text
        provider = await client.post(f"{issuer.url}/authorize", data={**form, "sub": "p", "role": "provider_user"})
        assert provider.status_code == 422 and "utförarens id" in provider.text
        cancelled = await client.post(f"{issuer.url}/authorize", data={**form, "action": "cancel"})
        assert cancelled.headers["location"] == f"{CALLBACK}?error=access_denied&state=st"


async def test_a_rotated_key_is_published_beside_the_previous_and_a_restart_keeps_them(env, tmp_path):
    keys = tmp_path / "keys"
    issuer = env.start("issuer", OMSORG_ISSUER_KEY_DIR=str(keys))
    await issuer.wait_ready()
    registry = env.start("registry", OMSORG_OIDC_ISSUERS=json.dumps([{"issuer": issuer.url}]),
                         OMSORG_OIDC_JWKS_MIN_REFRESH_SECONDS="1")
    await registry.wait_ready()

    async def service_token(client) -> str:
        answer = await client.post(f"{issuer.url}/token", data={"grant_type": "client_credentials"},
                                   auth=(IMPORT_CLIENT, IMPORT_SECRET))
        assert answer.status_code == 200, answer.text
        return answer.json()["access_token"]

    async with httpx.AsyncClient(timeout=30) as client:
        before = await service_token(client)
        assert (await client.get(f"{registry.url}/staff", headers=bearer(before))).status_code == 200
        rotated = subprocess.run([sys.executable, "-m", "services.issuer", "rotate-key"], cwd=ROOT, text=True,
                                 capture_output=True, env=env.environ(OMSORG_ISSUER_KEY_DIR=str(keys)))
        assert rotated.returncode == 0, rotated.stderr
        new_kid = rotated.stdout.strip()
        jwks = (await client.get(f"{issuer.url}/jwks")).json()["keys"]
        assert [k["kid"] for k in jwks][-1] == new_kid and len(jwks) == 2
        after = await service_token(client)
        assert jwt.get_unverified_header(after)["kid"] == new_kid != jwt.get_unverified_header(before)["kid"]

        async def both_taken():
            answers = [await client.get(f"{registry.url}/staff", headers=bearer(t)) for t in (before, after)]
            return all(a.status_code == 200 for a in answers)
        assert await eventually(both_taken, timeout=15), "the registry takes the new key and still the previous"

        issuer.kill()
        issuer.start()  # the same port and key directory
        await issuer.wait_ready()
        assert (await client.get(f"{issuer.url}/jwks")).json()["keys"] == jwks
        assert jwt.get_unverified_header(await service_token(client))["kid"] == new_kid
        assert (await client.get(f"{registry.url}/staff", headers=bearer(before))).status_code == 200


async def test_end_session_returns_only_to_a_registered_address(issuer):
    async with httpx.AsyncClient(timeout=30) as client:
        back = await client.get(f"{issuer.url}/logout", params={
            "client_id": WEB, "post_logout_redirect_uri": "http://127.0.0.1:31999/sign-in", "state": "x"})
        assert back.status_code == 302 and back.headers["location"] == "http://127.0.0.1:31999/sign-in?state=x"
        for params in ({"client_id": WEB, "post_logout_redirect_uri": "https://evil.example/sign-in"},
                       {"post_logout_redirect_uri": "http://127.0.0.1:8006/sign-in"}):
            refused = await client.get(f"{issuer.url}/logout", params=params)
            assert refused.status_code == 400 and "location" not in refused.headers
        plain = await client.get(f"{issuer.url}/logout")
        assert plain.status_code == 200 and "Du är utloggad" in plain.text


async def test_it_does_not_start_in_production(env, tmp_path):
    proc = env.start("issuer", OMSORG_ENV="prod", OMSORG_ISSUER_KEY_DIR=str(tmp_path / "keys"))
    assert await proc.wait_exit() != 0
    assert "only with OMSORG_ENV=dev or test" in proc.log_tail()
    assert not (tmp_path / "keys").exists()
