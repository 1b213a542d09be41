"""All five services on one fresh database and topic prefix, notify sending its e-mail to a
mail catcher, and one whole flow for a person with a protected identity run through them."""
import pytest

from tests.security.access.flow import Flow, five_services, run_flow


@pytest.fixture(scope="package")
async def omsorg(tmp_path_factory):
    async with five_services(tmp_path_factory.mktemp("access")) as running:
        yield running


@pytest.fixture(scope="package")
async def flow(omsorg) -> Flow:
    env, procs, clients, catcher = omsorg
    return await run_flow(env, procs, clients, catcher)
