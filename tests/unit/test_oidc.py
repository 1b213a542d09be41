"""Tokens from configured OIDC issuers: keys from discovery and JWKS (a real local HTTP issuer,
tests/oidc_idp.py), rotation, refetches bounded, claims mapped per issuer, refusals in our words."""
import base64
import hmac
import json
import secrets
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from shared.auth import issue_token, verify_token
from shared.problems import Problem
from shared.settings import DEV_JWT_SECRET, SECRETS, Settings
from tests.oidc_idp import LocalIdp

KEYCLOAK_LIKE = {"roles_claim": "realm_access.roles", "sub_claim": "preferred_username",
                 "client_roles": {"omsorg-import": ["service"]}}


@pytest.fixture
def idp():
    server = LocalIdp()
    yield server
    server.stop()


def settings_for(*idps: LocalIdp, env: str = "test", **issuer) -> Settings:
    """Beside the OIDC issuers, the test stack's local issuer (its secret given, as tests/stack.py does)."""
    return Settings(env=env, oidc_issuers=[{"issuer": i.issuer, **KEYCLOAK_LIKE, **issuer} for i in idps],
                    oidc_jwks_min_refresh_seconds=60, jwt_secret=DEV_JWT_SECRET)


async def refused(settings: Settings, token: str, status: int = 401) -> Problem:
    with pytest.raises(Problem) as caught:
        await verify_token(settings, token)
    assert caught.value.status == status
    return caught.value


async def test_a_token_of_a_configured_issuer_names_its_principal(idp):
    settings = settings_for(idp)
    token = idp.token(preferred_username="anna", unit="vuxen",
                      realm_access={"roles": ["caseworker", "offline_access", "default-roles-omsorg"]})
    principal = await verify_token(settings, token)
    assert (principal.sub, principal.roles, principal.unit) == ("anna", ["caseworker"], "vuxen")


async def test_es256_and_a_role_map_and_a_citizens_number():
    idp = LocalIdp("ES256")
    try:
        settings = settings_for(idp, roles_claim="groups", role_map={"medborgare": "citizen"},
                                pin_claim="https://id.oidc.se/claim/personalIdentityNumber", sub_claim="sub")
        token = idp.token(groups=["medborgare"], **{"https://id.oidc.se/claim/personalIdentityNumber": "191212121212"})
        principal = await verify_token(settings, token)
        assert (principal.roles, principal.pin) == (["citizen"], "191212121212")
    finally:
        idp.stop()


async def test_a_clients_own_token_is_a_service_account(idp):
    settings = settings_for(idp)
    principal = await verify_token(settings, idp.token(client_id="omsorg-import",
                                                       preferred_username="service-account-omsorg-import"))
    assert principal.roles == ["service"]
    # A user who logged in through that client is not the client.
    user = await verify_token(settings, idp.token(azp="omsorg-import", preferred_username="anna"))
    assert user.roles == []


async def test_local_tokens_still_work_beside_oidc_issuers(idp):
    settings = settings_for(idp)
    principal = await verify_token(settings, issue_token(settings, sub="anna", roles=["caseworker"]))
    assert principal.sub == "anna"


async def test_with_an_oidc_issuer_and_no_secret_there_is_no_local_issuer_in_dev(idp):
    """`make up` names its development issuer and gives no secret: no HS256 token is taken, not even
    one signed with the development secret that dev once defaulted to."""
    settings = Settings(env="dev", oidc_issuers=[{"issuer": idp.issuer}])
    assert settings.jwt_secret is None
    local = issue_token(Settings(env="dev", jwt_secret=DEV_JWT_SECRET), sub="anna", roles=["caseworker"])
    assert "another issuer made it" in (await refused(settings, local)).detail


async def test_unknown_issuer_bad_signature_and_wrong_audience_are_401_in_our_words(idp):
    settings = settings_for(idp)
    other = LocalIdp()
    try:
        assert "another issuer made it" in (await refused(settings, other.token())).detail
    finally:
        other.stop()
    forged = idp.token(key=idp.new_key(), kid=idp.kid)  # the right kid, another key
    assert "signature does not match" in (await refused(settings, forged)).detail
    assert "another audience" in (await refused(settings, idp.token(aud="account"))).detail
    assert "expired" in (await refused(settings, idp.token(iat=int(time.time()) - 900, exp=int(time.time()) - 600))).detail


def _b64(part: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


async def test_a_shared_secret_token_claiming_the_issuer_is_refused(idp):
    """The classic confusion: HS256 with the issuer's public key as the secret."""
    settings = settings_for(idp)
    pem = idp.keys[idp.kid].public_key().public_bytes(serialization.Encoding.PEM,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo)
    now = int(time.time())
    head = _b64({"alg": "HS256", "typ": "JWT", "kid": idp.kid})
    body = _b64({"iss": idp.issuer, "aud": "omsorg", "sub": "x", "iat": now, "exp": now + 60})
    signature = base64.urlsafe_b64encode(hmac.digest(pem, f"{head}.{body}".encode(), "sha256")).rstrip(b"=")
    token = f"{head}.{body}.{signature.decode()}"
    assert "algorithm" in (await refused(settings, token)).detail


async def test_a_rotated_key_is_fetched_and_made_up_keys_fetch_at_most_once(idp):
    settings = settings_for(idp)
    await verify_token(settings, idp.token())
    assert idp.requests["/jwks"] == 1
    idp.rotate(keep_old=True)
    settings._oidc_keys[idp.issuer].attempted_at -= 61  # the last fetch was a while ago
    assert (await verify_token(settings, idp.token())).sub == "f3a1-user"
    assert idp.requests["/jwks"] == 2
    for _ in range(10):
        assert "no such key" in (await refused(settings, idp.token(kid=secrets.token_hex(6)))).detail
    assert idp.requests["/jwks"] == 2, "no refetch within the refresh interval"
    settings._oidc_keys[idp.issuer].attempted_at -= 61
    for _ in range(10):
        assert "no such key" in (await refused(settings, idp.token(kid=secrets.token_hex(6)))).detail
    assert idp.requests["/jwks"] == 3, "one refetch for the first unknown kid, none for the rest"
    assert (await verify_token(settings, idp.token())).sub == "f3a1-user"  # known keys need no fetch
    assert idp.requests["/jwks"] == 3


async def test_an_unreachable_issuer_is_503_and_cached_keys_outlive_it(idp):
    settings = settings_for(idp)
    idp.down = True
    problem = await refused(settings, idp.token(), status=503)
    assert problem.code == "idp_unavailable" and problem.headers["Retry-After"] == "60"
    assert (await refused(settings, idp.token(), status=503)).code == "idp_unavailable"
    assert idp.requests["/.well-known/openid-configuration"] == 1, "no second try within the refresh interval"

    idp.down = False
    fresh = settings_for(idp)
    await verify_token(fresh, idp.token())
    idp.down = True
    fresh._oidc_keys[idp.issuer].fetched_at -= 7200  # keys older than their max age
    fresh._oidc_keys[idp.issuer].attempted_at -= 7200
    assert (await verify_token(fresh, idp.token())).sub == "f3a1-user"


async def test_an_issuer_ending_in_a_slash_is_taken_as_written(idp):
    """Some providers' `iss` ends in a slash (Entra ID v1, Auth0); it must match exactly."""
    idp.issuer += "/"
    settings = settings_for(idp)
    assert (await verify_token(settings, idp.token())).sub == "f3a1-user"
    assert "another issuer" in (await refused(settings, idp.token(iss=idp.issuer.rstrip("/")))).detail


async def test_an_issuer_that_names_another_in_its_discovery_is_not_trusted(idp):
    settings = Settings(env="test", oidc_issuers=[{"issuer": idp.issuer + "/realms/x"}])
    token = idp.token(iss=idp.issuer + "/realms/x")
    assert (await refused(settings, token, status=503)).code == "idp_unavailable"


def test_production_takes_https_issuers_and_loopback_only():
    strong = {name: secrets.token_hex(32) for name in SECRETS}
    with pytest.raises(ValueError, match="not https"):
        Settings(env="prod", **strong, oidc_issuers=[{"issuer": "http://login.kommun.se/realms/omsorg"}])
    assert Settings(env="prod", **strong, oidc_issuers=[{"issuer": "https://login.kommun.se/realms/omsorg"}])
    assert Settings(env="prod", **strong, oidc_issuers=[{"issuer": "http://127.0.0.1:8080/realms/omsorg"}])
    with pytest.raises(ValueError, match="asymmetric"):
        Settings(env="test", oidc_issuers=[{"issuer": "https://idp.example", "algorithms": ["HS256"]}])


async def test_production_with_only_oidc_issuers_has_no_local_issuer(idp):
    strong = {name: secrets.token_hex(32) for name in SECRETS if name != "jwt_secret"}
    settings = Settings(env="prod", **strong, oidc_issuers=[{"issuer": "http://127.0.0.1:1/realms/omsorg"}])
    assert settings.jwt_secret is None
    with pytest.raises(ValueError, match="no local issuer"):
        issue_token(settings, sub="anna", roles=["caseworker"])
    dev_token = issue_token(Settings(env="dev", jwt_secret=DEV_JWT_SECRET), sub="mallory", roles=["supervisor"])
    assert "another issuer" in (await refused(settings, dev_token)).detail
    with pytest.raises(ValueError, match="OMSORG_JWT_SECRET must be set"):
        Settings(env="prod", **strong)
