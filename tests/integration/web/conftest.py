"""The web as a process beside a real registry, on a fresh database and topic prefix."""
import re

import httpx
import pytest

from tests.stack import create_env, drop_env, free_port

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def no_process_telemetry(monkeypatch):
    """The tests that build the web app in this process leave tracing alone: its setup would install
    a tracer provider and instrument every httpx client of the test process, so a later test's own
    `traceparent` header would be replaced (as tests/security/access does for the services' apps)."""
    import services.web.app
    monkeypatch.setattr(services.web.app.telemetry, "setup", lambda settings: None)
    monkeypatch.setattr(services.web.app.telemetry, "instrument", lambda app: None)


@pytest.fixture(scope="session")
async def web_env(tmp_path_factory):
    env = await create_env(tmp_path_factory.mktemp("web"))
    registry = env.start("registry")
    # A second web whose registry is at a port nothing listens on: the registry is down.
    web = env.start("web", OMSORG_REGISTRY_URL=registry.url)
    web_without_registry = env.start("web", OMSORG_REGISTRY_URL=f"http://127.0.0.1:{free_port()}")
    try:
        for proc in (registry, web, web_without_registry):
            await proc.wait_ready()
        yield env, registry, web, web_without_registry
    finally:
        await drop_env(env)


def csrf_of(page: httpx.Response) -> str:
    match = CSRF.search(page.text)
    assert match, f"no CSRF token on the page:\n{page.text}"
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, role: str = "caseworker", unit: str = "vuxen", sub: str = "anna",
                  **extra: str) -> httpx.Response:
    page = await client.get("/sign-in")
    assert page.status_code == 200
    return await client.post("/dev/sign-in", data={"csrf_token": csrf_of(page), "sub": sub, "role": role,
                                                   "unit": unit, **extra})


@pytest.fixture
async def web(web_env):
    """A browser-like client of the web, signed in as a caseworker of unit vuxen."""
    env, registry, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        answer = await sign_in(client)
        assert answer.status_code == 303, answer.text
        yield env, client
