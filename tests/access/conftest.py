"""All five services on one fresh database and topic prefix, notify sending its e-mail to a
mail catcher, and one whole flow for a person with a protected identity run through them."""
import httpx
import pytest

from tests.access.flow import Flow, run_flow
from tests.notify.helpers import MailCatcher, notify_env
from tests.stack import create_env, drop_env, start_services


@pytest.fixture(scope="package")
async def omsorg(tmp_path_factory):
    env = await create_env(tmp_path_factory.mktemp("access"))
    catcher = MailCatcher().start()
    try:
        procs = await start_services(env, **notify_env(catcher.port))
        clients = {name: httpx.AsyncClient(base_url=proc.url, timeout=30) for name, proc in procs.items()}
        try:
            yield env, procs, clients, catcher
        finally:
            for client in clients.values():
                await client.aclose()
    finally:
        catcher.stop()
        await drop_env(env)


@pytest.fixture(scope="package")
async def flow(omsorg) -> Flow:
    env, procs, clients, catcher = omsorg
    return await run_flow(env, procs, clients, catcher)
