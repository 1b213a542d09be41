import os

import pytest

# The tests run by test rules (development secrets, a clock that may be moved); without this the
# services' settings, read in this process, would follow production's rules, their default.
os.environ.setdefault("OMSORG_ENV", "test")

from tests.stack import SERVICES, create_env, drop_env


@pytest.fixture
async def env(tmp_path):
    """A fresh database and topic prefix; services are started by the test itself."""
    test_env = await create_env(tmp_path)
    yield test_env
    await drop_env(test_env)


@pytest.fixture(scope="session")
async def stack(tmp_path_factory):
    """All five services running as separate processes, as `make up` runs them."""
    test_env = await create_env(tmp_path_factory.mktemp("stack"))
    procs = {name: test_env.start(name) for name in SERVICES}
    try:
        for proc in procs.values():
            await proc.wait_ready()
        yield test_env, procs
    finally:
        await drop_env(test_env)


def pytest_collection_modifyitems(items):
    """Tests that restart the shared database or broker run last, after everything else,
    and only when asked (`make test` asks), so a plain pytest run never restarts the
    infrastructure under someone else's feet."""
    items.sort(key=lambda item: item.get_closest_marker("disruptive") is not None)
    if os.environ.get("OMSORG_DISRUPTIVE_TESTS") != "1":
        skip = pytest.mark.skip(reason="restarts shared infrastructure; set OMSORG_DISRUPTIVE_TESTS=1")
        for item in items:
            if item.get_closest_marker("disruptive"):
                item.add_marker(skip)
