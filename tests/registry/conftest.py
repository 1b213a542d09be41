"""The registry alone on a fresh database and topic prefix, shared by the registry's tests."""
import httpx
import pytest

from tests.stack import create_env, drop_env


@pytest.fixture(scope="session")
async def registry_env(tmp_path_factory):
    env = await create_env(tmp_path_factory.mktemp("registry"))
    proc = env.start("registry")
    try:
        await proc.wait_ready()
        yield env, proc
    finally:
        await drop_env(env)


@pytest.fixture
async def registry(registry_env):
    env, proc = registry_env
    async with httpx.AsyncClient(base_url=proc.url, timeout=30) as client:
        yield env, client
