"""The web signs in through a real Keycloak (deploy/local/keycloak/, the omsorg realm) with the code
flow and PKCE: a realm user's login form, the code back to the web, the tokens checked, and signing
out through Keycloak's end-session endpoint. A code of another realm on the same Keycloak signs no
one in."""
import html
import json
import re

import httpx
import pytest

from tests.integration.issuer.helpers import query_of
from tests.integration.web.conftest import csrf_of
from tests.keycloak import TEST_PASSWORD, Keycloak
from tests.stack import create_env, drop_env

LOGIN_FORM = re.compile(r'<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"|<form[^>]*action="([^"]+)"[^>]*id="kc-form-login"')


@pytest.fixture(scope="module")
def keycloak():
    try:
        server = Keycloak().start()
    except RuntimeError as exc:
        pytest.fail(f"Keycloak is needed for this test and could not be started: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="module")
async def keycloak_web(keycloak, tmp_path_factory):
    env = await create_env(tmp_path_factory.mktemp("web-keycloak"))
    try:
        web = env.start("web", OMSORG_OIDC_ISSUERS=json.dumps([keycloak.issuer_setting()]))
        await web.wait_ready()
        yield web
    finally:
        await drop_env(env)


async def log_in(client: httpx.AsyncClient, authorize_url: str, username: str) -> httpx.Response:
    """Keycloak's login page filled in as the user would; its answer (a redirect back to the client)."""
    page = await client.get(authorize_url, follow_redirects=True)
    assert page.status_code == 200, page.text
    match = LOGIN_FORM.search(page.text)
    assert match, f"no login form:\n{page.text[:2000]}"
    action = html.unescape(match.group(1) or match.group(2))
    # Keycloak marks its login cookies Secure even over plain http on loopback, which httpx then keeps
    # back over http; a browser on localhost sends them, so they are sent here as it would.
    cookies = "; ".join(c.split(";", 1)[0] for c in page.headers.get_list("set-cookie"))
    return await client.post(action, headers={"Cookie": cookies},
                             data={"username": username, "password": TEST_PASSWORD.format(username=username),
                                   "credentialId": ""})


async def test_a_realm_user_signs_in_to_the_web_and_out_again(keycloak, keycloak_web):
    web = keycloak_web
    async with httpx.AsyncClient(timeout=60) as client:
        start = await client.get(f"{web.url}/sign-in/start")
        assert start.status_code == 303
        authorize = start.headers["location"]
        assert authorize.startswith(f"{keycloak.issuer()}/protocol/openid-connect/auth?")
        assert query_of(authorize)["code_challenge_method"] == "S256"
        answer = await log_in(client, authorize, "anna")
        assert answer.status_code == 302, answer.text
        assert answer.headers["location"].startswith(f"{web.url}/auth/callback?")
        signed_in = await client.get(answer.headers["location"])
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/", signed_in.text
        home = await client.get(f"{web.url}/")
        assert home.status_code == 200 and "Inloggad som <strong>anna</strong>" in home.text
        assert "handläggare" in home.text and "barn-och-unga" in home.text

        out = await client.post(f"{web.url}/sign-out", data={"csrf_token": csrf_of(home)})
        assert out.status_code == 303
        end_session = out.headers["location"]
        assert end_session.startswith(f"{keycloak.issuer()}/protocol/openid-connect/logout?")
        # Keycloak takes the ID token as hint and returns, without asking, only to a registered address.
        assert query_of(end_session)["id_token_hint"]
        back = await client.get(end_session)
        assert back.status_code == 302 and back.headers["location"] == f"{web.url}/sign-in"
        assert (await client.get(f"{web.url}/")).headers["location"] == "/sign-in"


async def test_a_code_of_another_realm_signs_no_one_in(keycloak, keycloak_web):
    web = keycloak_web
    async with httpx.AsyncClient(timeout=60) as client, httpx.AsyncClient(timeout=60) as other:
        start = await client.get(f"{web.url}/sign-in/start")
        query = query_of(start.headers["location"])
        # The same request, with the web's own state and challenge, to the realm Omsorg does not trust.
        foreign = start.headers["location"].replace(keycloak.issuer(), keycloak.issuer("other"))
        answer = await log_in(other, foreign, "anna")
        assert answer.status_code == 302, answer.text
        back = query_of(answer.headers["location"])
        assert back["state"] == query["state"] and back["code"]
        refused = await client.get(answer.headers["location"])
        assert refused.status_code == 400 and "Inloggningen misslyckades" in refused.text
        assert (await client.get(f"{web.url}/")).headers["location"] == "/sign-in"
