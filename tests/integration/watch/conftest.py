"""What the watch service's tests share: a watch process of the test's own, started and ready."""
import pytest


@pytest.fixture
async def watch(env):
    proc = env.start("watch")
    await proc.wait_ready()
    return proc
