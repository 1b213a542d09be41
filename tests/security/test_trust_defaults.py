"""Trust by default (OWASP API8, security misconfiguration): a service started without OMSORG_ENV
follows production's rules and refuses to start without strong secrets of its own; no secret that
stands in this repository is taken in production; tokens that live too long, name no one or hold
broken text are 401; a client cannot pick its own address with X-Forwarded-For; 401 and 405
answers carry the headers HTTP asks for."""
import re
import secrets
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import httpx
import jwt
import pytest

from shared.settings import DEV_JWT_SECRET, MIN_SECRET_LENGTH, PUBLISHED_SECRETS, SECRETS, Settings
from tests.stack import ROOT, free_port, production_secrets, session_issuer

PER_MINUTE = 3


def _without_env(env, **extra: str) -> dict[str, str]:
    environ = env.environ()
    environ.pop("OMSORG_ENV")
    # Without the test stack's issuer: a production start without OIDC issuers needs its own secrets.
    environ.pop("OMSORG_OIDC_ISSUERS")
    environ.pop("OMSORG_CLOCK_OFFSET_SECONDS", None)  # production has no moved clock
    environ.update(extra)
    return environ


async def test_a_service_without_omsorg_env_does_not_start_on_development_secrets(env):
    port = free_port()
    started = subprocess.run([sys.executable, "-m", "services.orders.main"], cwd=ROOT, timeout=120,
                             env=_without_env(env, OMSORG_PORT=str(port)), capture_output=True, text=True)
    assert started.returncode != 0
    assert "OMSORG_JWT_SECRET must be set" in started.stderr


async def test_a_service_without_omsorg_env_runs_by_production_rules(env):
    proc = env.start("watch", OMSORG_CLOCK_OFFSET_SECONDS="0", **production_secrets())
    proc.popen.kill()
    proc.popen.wait()
    proc.popen = subprocess.Popen([sys.executable, "-m", "services.watch.main"], cwd=ROOT,
                                  env=_without_env(env, OMSORG_PORT=str(proc.port), **production_secrets()),
                                  stdout=open(proc.log_path, "ab"), stderr=subprocess.STDOUT)
    await proc.wait_ready()
    async with httpx.AsyncClient(base_url=proc.url, timeout=30) as client:
        # The development signing secret opens nothing.
        dev_token = jwt.encode({"sub": "mallory", "roles": ["support"], "iss": "omsorg-local", "aud": "omsorg",
                                "iat": datetime.now(timezone.utc),
                                "exp": datetime.now(timezone.utc) + timedelta(hours=1)},
                               DEV_JWT_SECRET, algorithm="HS256")
        refused = await client.get("/watches", headers={"Authorization": f"Bearer {dev_token}"})
        assert refused.status_code == 401
        # No clock to move, no development routes.
        assert (await client.post("/admin/clock", json={"now": "2030-01-01T00:00:00+00:00"})).status_code == 404


def test_the_image_runs_in_production():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"OMSORG_ENV=prod\b", dockerfile)


def _repository_secrets() -> set[str]:
    """Every value given to a secret setting in the repository's own files."""
    found = set()
    name = r"OMSORG_(?:JWT_SECRET|PERSON_REF_KEY|WEBHOOK_SECRET|KAFKA_PASSWORD)\s*[:=]\s*[\"']?"
    patterns = [re.compile(name + r"\$\{OMSORG_\w+:-([^}]+)\}"), re.compile(name + r"([A-Za-z0-9_.-]{6,})")]
    for path in ["docker-compose.yml", "Dockerfile", "README.md", *map(str, (ROOT / "deploy").rglob("*.*"))]:
        file = ROOT / path
        if file.is_file() and file.suffix not in (".jar", ".zip"):
            text = file.read_text(errors="replace")
            found |= {value.lstrip("-") for pattern in patterns for value in pattern.findall(text)}
    return found | {v for k, v in vars(__import__("shared.settings").settings).items()
                    if k.startswith("DEV_") and isinstance(v, str)}


def test_every_secret_written_in_the_repository_is_refused_in_production():
    written = _repository_secrets()
    assert "omsorg-local-development-person-ref-key" in written  # docker-compose.yml's fallback is seen
    assert written <= PUBLISHED_SECRETS, f"add to PUBLISHED_SECRETS: {sorted(written - PUBLISHED_SECRETS)}"
    strong = {name: secrets.token_hex(32) for name in SECRETS}
    assert Settings(env="prod", **strong)
    for name in SECRETS:
        for weak in sorted(written) + ["x", "a" * 64, secrets.token_hex(MIN_SECRET_LENGTH // 2 - 1)]:
            with pytest.raises(ValueError, match=f"OMSORG_{name.upper()}"):
                Settings(env="prod", **{**strong, name: weak})
        with pytest.raises(ValueError, match=f"OMSORG_{name.upper()} must be set"):
            Settings(env="prod", **{k: v for k, v in strong.items() if k != name})


@pytest.fixture
async def registry(env):
    proc = env.start("registry", OMSORG_RATE_LIMIT_PER_MINUTE=str(PER_MINUTE))
    await proc.wait_ready()
    async with httpx.AsyncClient(base_url=proc.url, timeout=30) as client:
        yield env, client


def _token(**claims) -> str:
    """Claims signed by the test stack's issuer, which the registry trusts: only what they say is wrong."""
    now = datetime.now(timezone.utc)
    base = {"sub": "anna", "roles": ["caseworker"], "unit": "vuxen", "iss": session_issuer().url, "aud": "omsorg",
            "iat": now, "exp": now + timedelta(hours=1)}
    return session_issuer().sign({k: v for k, v in {**base, **claims}.items() if v is not None})


@pytest.mark.parametrize("claims,why", [
    ({"exp": datetime.now(timezone.utc) + timedelta(days=365 * 100)}, "lives longer"),
    ({"sub": ""}, "name someone"),
    ({"sub": "   "}, "name someone"),
    ({"sub": "anna\ud800"}, "not valid Unicode"),
    ({"unit": ["vuxen", "barn"]}, "must be text"),
    ({"roles": "caseworker"}, "list of names"),
    ({"iat": None}, "required claim"),
])
async def test_tokens_that_should_not_be_trusted_are_401_in_our_words(registry, claims, why):
    env, client = registry
    token = _token(**claims)
    response = await client.get("/audit", params={"person_id": "00000000-0000-0000-0000-000000000001"},
                                headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["code"] == "unauthorized" and why in body["detail"]
    assert "pydantic" not in response.text.lower() and "validation" not in body["detail"].lower()
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_x_forwarded_for_does_not_give_a_fresh_rate_limit_bucket(registry):
    env, client = registry
    answers = [await client.get("/audit", headers={"X-Forwarded-For": f"203.0.113.{i}"}) for i in range(PER_MINUTE + 2)]
    assert [a.status_code for a in answers[:PER_MINUTE]] == [401] * PER_MINUTE
    assert answers[-1].status_code == 429


async def test_a_405_names_the_methods_allowed(registry):
    env, client = registry
    response = await client.put("/persons", headers=env.auth("caseworker", unit="vuxen"))
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert response.headers["content-type"] == "application/problem+json"
