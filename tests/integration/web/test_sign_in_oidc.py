"""The web signs in through an OIDC issuer with the code flow and PKCE: here the development issuer
(services/issuer/), as under `make up`, with a registry that trusts only that issuer. The state,
nonce and verifier are the web's, kept in the browser's session; a callback with another state, from
another browser, or with a code made for another challenge signs no one in. tests/e2e/
test_web_keycloak.py signs in the same way through a real Keycloak."""
import json
import re
from urllib.parse import urlencode

import httpx
import pytest

from tests.integration.issuer.helpers import code_for, new_verifier, pick_person, query_of
from tests.integration.web.conftest import csrf_of
from tests.stack import create_env, drop_env, free_port


@pytest.fixture(scope="module")
async def oidc_web(tmp_path_factory):
    env = await create_env(tmp_path_factory.mktemp("web-oidc"))
    try:
        issuer = env.start("issuer", OMSORG_ISSUER_KEY_DIR=str(tmp_path_factory.mktemp("issuer-keys")))
        await issuer.wait_ready()
        trust = json.dumps([{"issuer": issuer.url}])
        registry = env.start("registry", OMSORG_OIDC_ISSUERS=trust)
        web = env.start("web", OMSORG_OIDC_ISSUERS=trust, OMSORG_REGISTRY_URL=registry.url)
        await registry.wait_ready()
        await web.wait_ready()
        yield env, issuer, web
    finally:
        await drop_env(env)


async def sign_in_flow(client: httpx.AsyncClient, web_url: str, **person: str) -> tuple[str, httpx.Response]:
    """Start at the web, pick the person on the issuer's page; the web's callback URL and the issuer's answer."""
    start = await client.get(f"{web_url}/sign-in/start")
    assert start.status_code == 303, start.text
    authorize = start.headers["location"]
    query = query_of(authorize)
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["redirect_uri"] == f"{web_url}/auth/callback" and query["state"] and query["nonce"]
    answer = await pick_person(client, authorize, **person)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"], answer


async def test_signing_in_through_the_issuer_and_out_again(oidc_web):
    _, issuer, web = oidc_web
    async with httpx.AsyncClient(timeout=30) as client:
        page = await client.get(f"{web.url}/sign-in")
        assert page.status_code == 200 and 'href="/sign-in/start"' in page.text
        callback, _ = await sign_in_flow(client, web.url, sub="anna", role="caseworker", unit="vuxen")
        assert callback.startswith(f"{web.url}/auth/callback?code=")
        signed_in = await client.get(callback)
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/", signed_in.text
        assert f"form-action 'self' {issuer.url};" in signed_in.headers["content-security-policy"]
        cookie = signed_in.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        start = await client.get(f"{web.url}/")
        assert start.status_code == 200 and "Inloggad som <strong>anna</strong>" in start.text
        # The registry, which trusts only the issuer, takes the token the web keeps for anna.
        form = await client.get(f"{web.url}/persons/search")
        found = await client.post(f"{web.url}/persons/search", data={"csrf_token": csrf_of(form),
                                                                     "pin": "19121212-1212"})
        assert found.status_code == 200 and "behörighet" not in found.text and "svarar inte" not in found.text

        # The same callback again (a reload, or a copied URL) signs no one in a second time; a signed-in
        # person who starts again is simply at the start page.
        again = await client.get(callback)
        assert again.status_code == 400
        assert (await client.get(f"{web.url}/sign-in/start")).headers["location"] == "/"

        out = await client.post(f"{web.url}/sign-out", data={"csrf_token": csrf_of(start)})
        assert out.status_code == 303
        end_session = out.headers["location"]
        assert end_session.startswith(f"{issuer.url}/logout?")
        assert query_of(end_session)["post_logout_redirect_uri"] == f"{web.url}/sign-in"
        assert query_of(end_session)["id_token_hint"]
        back = await client.get(end_session)
        assert back.status_code == 302 and back.headers["location"] == f"{web.url}/sign-in"
        assert (await client.get(f"{web.url}/")).headers["location"] == "/sign-in"


async def test_a_callback_with_another_state_or_in_another_browser_signs_no_one_in(oidc_web):
    _, _, web = oidc_web
    async with httpx.AsyncClient(timeout=30) as client, httpx.AsyncClient(timeout=30) as other_browser:
        callback, _ = await sign_in_flow(client, web.url, sub="anna", role="caseworker", unit="vuxen")
        query = query_of(callback)
        forged = f"{web.url}/auth/callback?" + urlencode({**query, "state": query["state"][:-2] + "xx"})
        refused = await client.get(forged)
        assert refused.status_code == 400 and "Inloggningen misslyckades" in refused.text
        assert "Börja om" in refused.text and 'lang="sv"' in refused.text
        elsewhere = await other_browser.get(callback)
        assert elsewhere.status_code == 400 and "set-cookie" not in elsewhere.headers
        assert (await other_browser.get(f"{web.url}/")).headers["location"] == "/sign-in"
        missing = await client.get(f"{web.url}/auth/callback")
        assert missing.status_code == 400
        # The browser that started it still finishes it with its own state.
        assert (await client.get(callback)).status_code == 303


async def test_a_code_made_for_another_challenge_is_refused(oidc_web):
    """Someone's code, asked for with their own challenge, slipped into this browser's callback with
    its state: the web's verifier does not match, the issuer refuses the exchange."""
    _, issuer, web = oidc_web
    async with httpx.AsyncClient(timeout=30) as client, httpx.AsyncClient(timeout=30) as attacker:
        start = await client.get(f"{web.url}/sign-in/start")
        state = query_of(start.headers["location"])["state"]
        code = await code_for(attacker, issuer.url, new_verifier(), f"{web.url}/auth/callback",
                              sub="mallory", role="supervisor", unit="vuxen")
        refused = await client.get(f"{web.url}/auth/callback", params={"code": code, "state": state})
        assert refused.status_code == 400 and "inte gick att lita på" in refused.text
        assert (await client.get(f"{web.url}/")).headers["location"] == "/sign-in"


async def test_an_issuer_error_and_a_role_without_pages_sign_no_one_in(oidc_web):
    _, _, web = oidc_web
    async with httpx.AsyncClient(timeout=30) as client:
        start = await client.get(f"{web.url}/sign-in/start")
        query = query_of(start.headers["location"])
        denied = await client.get(f"{web.url}/auth/callback", params={"error": "access_denied",
                                                                      "state": query["state"]})
        assert denied.status_code == 400 and "godkände inte" in denied.text
        callback, _ = await sign_in_flow(client, web.url, sub="s1", role="support")
        refused = await client.get(callback)
        assert refused.status_code == 403 and "ingen roll" in refused.text


async def test_an_issuer_that_does_not_answer_is_said_so(oidc_web):
    env, _, _ = oidc_web
    nowhere = json.dumps([{"issuer": f"http://127.0.0.1:{free_port()}"}])
    web = env.start("web", OMSORG_OIDC_ISSUERS=nowhere, OMSORG_OIDC_TIMEOUT_SECONDS="2")
    await web.wait_ready()
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.get(f"{web.url}/sign-in/start")
        assert answer.status_code == 503 and "svarar inte" in answer.text
        assert re.search(r"anropsnummer <code>[0-9a-f]{32}</code>", answer.text)
    web.kill()


async def test_signing_in_and_out_in_a_real_browser(oidc_web, chromium):
    """Chromium follows the whole flow, the web's Content-Security-Policy included: its
    `form-action` must let the sign-out form's redirect reach the issuer's end-session endpoint."""
    from playwright.async_api import async_playwright
    _, issuer, web = oidc_web
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium)
        try:
            page = await browser.new_page(locale="sv-SE")
            await page.goto(f"{web.url}/")
            assert page.url == f"{web.url}/sign-in"
            async with page.expect_navigation():
                await page.get_by_role("link", name="Logga in").click()
            assert page.url.startswith(f"{issuer.url}/authorize?")
            await page.get_by_label("Användar-id").fill("bertil")
            await page.get_by_label("Roll").select_option("supervisor")
            await page.get_by_label("Enhet").fill("vuxen")
            async with page.expect_navigation(url=f"{web.url}/"):
                await page.get_by_role("button", name="Logga in").click()
            await page.get_by_text("Inloggad som").wait_for()
            assert "bertil" in await page.locator(".signed-in").inner_text()
            async with page.expect_navigation(url=f"{web.url}/sign-in"):
                await page.get_by_role("button", name="Logga ut").click()
            await page.goto(f"{web.url}/")
            assert page.url == f"{web.url}/sign-in"
        finally:
            await browser.close()
