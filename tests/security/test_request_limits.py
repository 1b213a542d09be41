"""Request body size and rate limits on a real service process (OWASP API4): a too-large body
is 413 `body_too_large` whether it is announced (Content-Length) or streamed (chunked); more
requests a minute than allowed are 429 `rate_limited` with Retry-After, counted per token
subject (per address without a valid token); the operations endpoints are never limited."""
import httpx
import pytest

from services.registry.domain.imports import MAX_BYTES as MAX_IMPORT_BYTES
from tests.pins import make_pin

BODY_LIMIT, PER_MINUTE = 4096, 5


@pytest.fixture
async def registry(env):
    proc = env.start("registry", OMSORG_MAX_BODY_BYTES=str(BODY_LIMIT),
                     OMSORG_RATE_LIMIT_PER_MINUTE=str(PER_MINUTE))
    await proc.wait_ready()
    async with httpx.AsyncClient(base_url=proc.url, timeout=30) as client:
        yield env, client


def _person(size: int) -> dict:
    return {"pin": make_pin(), "first_name": "Tolvan", "last_name": "T" * size}


def assert_problem(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    return body


async def test_a_body_over_the_limit_is_413_announced_or_streamed(registry):
    env, client = registry
    auth = env.auth("caseworker", "big-bodies", unit="vuxen")
    small = await client.post("/persons", json=_person(100), headers=auth)
    assert small.status_code != 413, small.text

    announced = await client.post("/persons", json=_person(BODY_LIMIT), headers=auth)
    body = assert_problem(announced, 413, "body_too_large")
    assert str(BODY_LIMIT) in body["detail"]

    async def chunks():
        # No Content-Length: the limit must be counted while the body arrives.
        yield b'{"pin": "19121212-1212", "first_name": "T", "last_name": "'
        for _ in range(10):
            yield b"T" * 1000
        yield b'"}'
    streamed = await client.post("/persons", content=chunks(),
                                 headers={**auth, "Content-Type": "application/json"})
    assert "content-length" not in streamed.request.headers
    assert_problem(streamed, 413, "body_too_large")


async def test_the_import_route_takes_files_larger_than_the_default(registry):
    env, client = registry
    headers = {**env.auth("support", "importer"), "Content-Type": "text/csv"}
    lines = "pin,first_name,last_name\n" + "".join(f"{make_pin()},Per,Ek\n" for _ in range(300))
    assert len(lines) > BODY_LIMIT
    ok = await client.post("/imports", content=lines.encode(), headers=headers)
    assert ok.status_code == 200, ok.text
    too_large = await client.post("/imports", content=b"x" * (MAX_IMPORT_BYTES + 1), headers=headers)
    assert_problem(too_large, 413, "body_too_large")


async def test_more_requests_than_the_limit_is_429_per_subject(registry):
    env, client = registry
    anna, bert = env.auth("caseworker", "anna", unit="vuxen"), env.auth("caseworker", "bert", unit="vuxen")
    for _ in range(PER_MINUTE):
        response = await client.post("/persons/search", json={"pin": make_pin()}, headers=anna)
        assert response.status_code == 200, response.text
    limited = await client.post("/persons/search", json={"pin": make_pin()}, headers=anna)
    body = assert_problem(limited, 429, "rate_limited")
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert str(PER_MINUTE) in body["detail"]
    # Another person's token is counted on its own.
    assert (await client.post("/persons/search", json={"pin": make_pin()}, headers=bert)).status_code == 200
    # Operations endpoints are never limited.
    for path in ("/health", "/ready", "/metrics") * 3:
        assert (await client.get(path)).status_code == 200, path


async def test_without_a_valid_token_the_client_address_is_counted(registry):
    env, client = registry
    statuses = []
    for i in range(PER_MINUTE + 1):
        # Made-up subjects in invalid tokens must not each get their own allowance.
        statuses.append((await client.post("/persons/search", json={"pin": make_pin()},
                                          headers={"Authorization": f"Bearer forged-{i}"})).status_code)
    assert statuses[:PER_MINUTE] == [401] * PER_MINUTE
    assert statuses[-1] == 429
    assert_problem(await client.post("/persons/search", json={"pin": make_pin()}), 429, "rate_limited")
    # A valid token is counted by its subject, not by the (exhausted) address.
    ok = await client.post("/persons/search", json={"pin": make_pin()}, headers=env.auth("caseworker", "carl"))
    assert ok.status_code == 200, ok.text
