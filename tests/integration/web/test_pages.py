"""The web's first pages on a real registry: signing in through the test stack's issuer and the
session's cookie, CSRF on every form, person search (invalid number, no one, someone, registry
down), signing out, and no development sign-in route anywhere."""
import re

import httpx
import pytest

from services.web.app import create_app
from services.web.settings import WebSettings
from tests.integration.issuer.helpers import pick_person, query_of
from tests.integration.web.conftest import csrf_of, sign_in
from tests.pins import INVALID_PINS, make_pin, register_person
from tests.stack import session_issuer

INVALID = "Personnumret är ogiltigt"


def cookie_attributes(response: httpx.Response) -> tuple[str, set[str]]:
    header = response.headers["set-cookie"]
    name_value, *attributes = [part.strip() for part in header.split(";")]
    return name_value, {a.lower() for a in attributes}


async def search(client: httpx.AsyncClient, pin: str) -> httpx.Response:
    page = await client.get("/persons/search")
    assert page.status_code == 200
    return await client.post("/persons/search", data={"csrf_token": csrf_of(page), "pin": pin})


async def test_sign_in_sets_an_httponly_samesite_cookie_not_secure_only_on_loopback_http(web_env):
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url) as client:
        answer = await sign_in(client)
        assert answer.status_code == 303 and answer.headers["location"] == "/"
        name_value, attributes = cookie_attributes(answer)
        assert name_value.startswith("omsorg_session=")
        assert {"httponly", "samesite=lax", "path=/"} <= attributes
        assert "secure" not in attributes  # plain http to 127.0.0.1 in test: a browser would drop a Secure one
        start = await client.get("/")
        assert start.status_code == 200 and "Inloggad som <strong>anna</strong>" in start.text

    # Anywhere but plain-http loopback the cookie is Secure, in test too (the session that a sign-in
    # starts, which keeps its state and verifier).
    app = create_app(WebSettings(env="test", oidc_issuers=[{"issuer": session_issuer().url}]))
    async with app.router.lifespan_context(app):
        for base_url in ("http://omsorg.kommun.example", "https://127.0.0.1"):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as client:
                start = await client.get("/sign-in/start")
                assert start.status_code == 303 and start.headers["location"].startswith(session_issuer().url)
                _, attributes = cookie_attributes(start)
                assert {"secure", "httponly", "samesite=lax"} <= attributes, base_url


async def test_sign_in_changes_the_session_id(web_env):
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url) as client:
        start = await client.get("/sign-in/start")
        before = client.cookies["omsorg_session"]
        picked = await pick_person(client, start.headers["location"], sub="anna", role="caseworker", unit="vuxen")
        callback = picked.headers["location"]
        assert (await client.get(callback)).status_code == 303
        assert client.cookies["omsorg_session"] != before
    async with httpx.AsyncClient(base_url=web.url, cookies={"omsorg_session": before}) as stale:
        assert (await stale.get("/")).headers["location"] == "/sign-in"
        # The session before sign-in has ended: the code it waited for signs no one in through it.
        again = await stale.get(callback)
        assert again.status_code == 400 and "Inloggningen misslyckades" in again.text


@pytest.mark.parametrize("token", [None, "", "not-the-token"])
async def test_a_post_without_the_sessions_csrf_token_is_refused(web, token):
    env, client = web
    data = {"pin": "19121212-1212"} | ({} if token is None else {"csrf_token": token})
    refused = await client.post("/persons/search", data=data)
    assert refused.status_code == 403
    assert "saknar en giltig säkerhetskod" in refused.text and 'role="alert"' in refused.text
    out = await client.post("/sign-out", data=data)
    assert out.status_code == 403
    assert (await client.get("/")).status_code == 200  # still signed in


@pytest.mark.parametrize("pin", ["19121212-1213", "19121312-1212", "abc", "1" * 41, '"><script>alert(1)</script>'])
async def test_an_invalid_number_is_said_to_be_invalid(web, pin):
    env, client = web
    page = await search(client, pin)
    assert page.status_code == 422
    assert INVALID in page.text and 'role="alert"' in page.text
    assert "ingen person" not in page.text.lower()
    assert "<script>" not in page.text  # what was typed is shown escaped


async def test_every_invalid_number_of_the_registry_is_invalid_on_the_page(web):
    env, client = web
    for pin in (p for p in INVALID_PINS if p):
        page = await search(client, pin)
        assert INVALID in page.text, pin


async def test_a_registered_person_is_found_and_a_valid_unknown_number_is_no_one(web_env, web):
    env, client = web
    _, registry, _, _ = web_env
    pin = make_pin()
    async with httpx.AsyncClient(base_url=registry.url) as api:
        await register_person(api, env.auth("caseworker", unit="vuxen"), pin=pin, first_name="Tolvan",
                              last_name="Tolvansson")
    found = await search(client, pin)
    assert found.status_code == 200, found.text
    assert "Tolvan Tolvansson" in found.text and f"{pin[:8]}-{pin[8:]}" in found.text
    assert INVALID not in found.text

    unknown = await search(client, make_pin())
    assert unknown.status_code == 200
    assert "är giltigt, men ingen person" in unknown.text and INVALID not in unknown.text


async def test_a_registry_that_is_down_gives_a_swedish_error_page(web_env):
    _, _, _, web_without_registry = web_env
    async with httpx.AsyncClient(base_url=web_without_registry.url) as client:
        assert (await sign_in(client)).status_code == 303
        page = await search(client, "19121212-1212")
    assert page.status_code == 503
    assert "Socialregistret svarar inte" in page.text and 'role="alert"' in page.text
    assert "Traceback" not in page.text and "ConnectError" not in page.text


async def test_signing_out_ends_the_session(web_env, web):
    env, client = web
    cookie = client.cookies["omsorg_session"]
    start = await client.get("/")
    out = await client.post("/sign-out", data={"csrf_token": csrf_of(start)})
    # On to the issuer's end-session endpoint, which sends the browser back to the sign-in page.
    assert out.status_code == 303 and out.headers["location"].startswith(f"{session_issuer().url}/logout?")
    _, _, web_process, _ = web_env
    assert query_of(out.headers["location"])["post_logout_redirect_uri"] == f"{web_process.url}/sign-in"
    assert 'omsorg_session=""' in out.headers["set-cookie"] or "max-age=0" in out.headers["set-cookie"].lower()
    after = await client.get("/persons/search")
    assert after.status_code == 303 and after.headers["location"] == "/sign-in"
    # The old cookie, kept by someone, is worth nothing now: the session is gone on the server.
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url, cookies={"omsorg_session": cookie}) as kept:
        replay = await kept.get("/persons/search")
        assert replay.status_code == 303 and replay.headers["location"] == "/sign-in"


async def test_pages_are_swedish_and_accessible(web):
    env, client = web
    for path in ("/", "/persons/search"):
        page = await client.get(path)
        assert '<html lang="sv">' in page.text
        assert len(re.findall(r"<h1[ >]", page.text)) == 1, path
        for input_id in re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', page.text):
            assert f'<label for="{input_id}"' in page.text, (path, input_id)
        assert page.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


async def test_production_has_no_development_sign_in(monkeypatch):
    for name in ("OMSORG_ENV", "OMSORG_OIDC_ISSUERS"):
        monkeypatch.delenv(name, raising=False)
    settings = WebSettings()
    assert settings.env == "prod"  # the default
    app = create_app(settings)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
        page = await client.get("/sign-in")
        assert page.status_code == 200
        assert "kommunens inloggningstjänst" in page.text
        assert "<form" not in page.text and "set-cookie" not in page.headers
        refused = await client.post("/dev/sign-in", data={"sub": "anna", "role": "caseworker", "unit": "vuxen"})
        assert refused.status_code == 404 and "Sidan finns inte" in refused.text
        assert (await client.get("/persons/search")).headers["location"] == "/sign-in"
    assert not any(getattr(route, "path", None) == "/dev/sign-in" for route in app.routes)


async def test_a_provider_signs_in_with_a_provider_id_and_may_not_search_persons(web_env):
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url) as client:
        refused = await sign_in(client, role="provider_user", sub="hemtjanst-1")  # the issuer's page says why
        assert refused.status_code == 422
        assert 'role="alert"' in refused.text and "En utförare behöver utförarens id" in refused.text
        answer = await sign_in(client, role="provider_user", sub="hemtjanst-1", provider_id="p-1")
        assert answer.status_code == 303
        start = await client.get("/", follow_redirects=True)
        assert start.url.path == "/provider/orders"  # a provider's start page is its inbox
        assert "utförare" in start.text and "Sök person" not in start.text
        page = await search(client, "19121212-1212")
        assert page.status_code == 403 and "Du har inte behörighet" in page.text
