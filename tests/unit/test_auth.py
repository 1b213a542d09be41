"""Tokens from the local issuer (HS256, only where OMSORG_JWT_SECRET is set), and the CLI that prints
the development issuer's tokens."""
import secrets
from datetime import datetime, timedelta, timezone

import pytest

from shared.auth import decode_token, issue_token
from shared.cli import main
from shared.problems import Problem
from shared.settings import DEV_JWT_SECRET, DEV_PERSON_REF_KEY, SECRETS, Settings

SETTINGS = Settings(env="test", jwt_secret=DEV_JWT_SECRET)


def test_issued_token_decodes_to_the_same_principal():
    token = issue_token(SETTINGS, sub="anna", roles=["caseworker"], unit="vuxen")
    principal = decode_token(SETTINGS, token)
    assert (principal.sub, principal.roles, principal.unit) == ("anna", ["caseworker"], "vuxen")


def test_expired_and_foreign_tokens_are_refused():
    old = issue_token(SETTINGS, sub="anna", roles=["caseworker"], now=datetime.now(timezone.utc) - timedelta(days=1))
    with pytest.raises(Problem) as expired:
        decode_token(SETTINGS, old)
    assert expired.value.status == 401
    other = Settings(env="test", jwt_secret="another-secret-of-sufficient-length-1234")
    with pytest.raises(Problem):
        decode_token(other, issue_token(SETTINGS, sub="anna", roles=["caseworker"]))


@pytest.mark.parametrize("kwargs,message", [
    ({"roles": ["admin"]}, "unknown role"),
    ({"roles": ["provider_user"]}, "provider id"),
    ({"roles": ["citizen"]}, "personal identity number"),
])
def test_bad_token_requests_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        issue_token(SETTINGS, sub="x", **kwargs)


def test_production_refuses_the_development_secret():
    with pytest.raises(ValueError, match="OMSORG_JWT_SECRET must be set"):
        Settings(env="prod")


@pytest.mark.parametrize("env", ["dev", "test", "prod"])
def test_no_environment_has_a_local_issuer_unless_its_secret_is_set(env):
    """A setting left out is the safe choice: no HS256 signing secret is filled in, in dev and test
    either, so a service there takes only its OIDC issuers' tokens (or none) and no token signed
    with a secret anyone can read in this repository."""
    strong = {name: secrets.token_hex(32) for name in SECRETS if name != "jwt_secret"}
    issuers = [{"issuer": "https://login.kommun.se/realms/omsorg"}]
    for oidc in ([], issuers) if env != "prod" else (issuers,):
        settings = Settings(env=env, oidc_issuers=oidc, **strong)
        assert settings.jwt_secret is None, (env, oidc)
        with pytest.raises(ValueError, match="no local issuer"):
            issue_token(settings, sub="anna", roles=["caseworker"])
        with pytest.raises(Problem) as refused:
            decode_token(settings, issue_token(SETTINGS, sub="anna", roles=["caseworker"]))
        assert refused.value.status == 401


def test_production_refuses_the_development_person_ref_key():
    strong = {name: secrets.token_hex(32) for name in SECRETS}
    with pytest.raises(ValueError, match="OMSORG_PERSON_REF_KEY"):
        Settings(env="prod", **{**strong, "person_ref_key": DEV_PERSON_REF_KEY})
    assert Settings(env="prod", **strong)


def test_cli_prints_a_token_the_stack_accepts(capsys, monkeypatch, tmp_path):
    """In dev (`make up`) the token is the development OIDC issuer's, signed with its persisted key."""
    import jwt

    from services.issuer.keys import KeyStore
    monkeypatch.setenv("OMSORG_ENV", "dev")
    monkeypatch.setenv("OMSORG_ISSUER_KEY_DIR", str(tmp_path))
    from shared.settings import get_settings
    get_settings.cache_clear()
    try:
        assert main(["token", "--sub", "pia", "--role", "provider_user", "--provider", "hemtjanst-ab"]) == 0
    finally:
        get_settings.cache_clear()
    token = capsys.readouterr().out.strip()
    [jwk] = KeyStore(tmp_path).jwks()["keys"]
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "kid": jwk["kid"], "typ": "JWT"}
    claims = jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=["RS256"], audience="omsorg",
                        issuer="http://127.0.0.1:8007")
    assert claims["provider_id"] == "hemtjanst-ab" and claims["roles"] == ["provider_user"]
    assert decode_token(SETTINGS, issue_token(SETTINGS, sub="pia", roles=["service"]))


def test_cli_explains_a_missing_claim(capsys):
    assert main(["token", "--sub", "pia", "--role", "provider_user"]) == 2
    assert "provider id" in capsys.readouterr().err


def test_cli_import_without_a_local_issuer_asks_for_a_token(capsys, monkeypatch, tmp_path):
    from shared.settings import get_settings
    for name in SECRETS:
        if name != "jwt_secret":
            monkeypatch.setenv(f"OMSORG_{name.upper()}", secrets.token_hex(32))
    monkeypatch.delenv("OMSORG_JWT_SECRET", raising=False)
    monkeypatch.delenv("OMSORG_TOKEN", raising=False)
    monkeypatch.setenv("OMSORG_ENV", "prod")
    monkeypatch.setenv("OMSORG_OIDC_ISSUERS", '[{"issuer": "https://login.kommun.se/realms/omsorg"}]')
    get_settings.cache_clear()
    try:
        assert main(["import", str(tmp_path / "persons.csv"), "--url", "http://127.0.0.1:9"]) == 2
    finally:
        get_settings.cache_clear()
    assert "the development issuer runs only with OMSORG_ENV=dev or test" in capsys.readouterr().err



async def test_a_verified_token_is_trusted_again_only_until_it_expires(monkeypatch):
    import asyncio

    import shared.auth as auth

    settings = Settings(env="test", jwt_secret=DEV_JWT_SECRET)
    # Issued 58 s ago for 60 s: it expires 2 s from now.
    token = issue_token(settings, sub="anna", roles=["caseworker"], ttl=timedelta(seconds=60),
                        now=datetime.now(timezone.utc) - timedelta(seconds=58))
    decodes = []
    real = auth.decode_token
    monkeypatch.setattr(auth, "decode_token", lambda s, t: decodes.append(t) or real(s, t))
    first = await auth.verify_token(settings, token)
    assert await auth.verify_token(settings, token) == first
    assert len(decodes) == 1, "the second verification is the kept one"
    # The same claims under another signature are other bytes: verified on their own, and refused.
    head, claims, signature = token.split(".")
    with pytest.raises(Problem):
        await auth.verify_token(settings, f"{head}.{claims}.{signature[::-1]}")
    # Past its expiry the token is verified again, and refused.
    await asyncio.sleep(2.5)
    before = len(decodes)
    with pytest.raises(Problem) as expired:
        await auth.verify_token(settings, token)
    assert expired.value.status == 401 and len(decodes) == before + 1
