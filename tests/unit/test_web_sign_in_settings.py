"""Which sign-in the web offers, by its settings: production has only the identity provider's, `make
up` and docker compose (dev with the development issuer) only the code flow, and the development
sign-in without the issuer's page is left to the test stack; dev without an issuer offers none."""
import httpx
import pytest

from services.web.app import create_app
from services.web.settings import WebSettings

ISSUER = [{"issuer": "http://127.0.0.1:8007"}]


@pytest.mark.parametrize("env, issuers, dev_route, code_flow", [
    ("prod", [], False, False),
    ("prod", [{"issuer": "https://login.kommun.se/realms/omsorg"}], False, True),
    ("dev", ISSUER, False, True),
    ("dev", [], False, False),
    ("test", ISSUER, True, True),
    ("test", [], True, False),
])
async def test_the_sign_in_offered(monkeypatch, env, issuers, dev_route, code_flow):
    import services.web.app
    monkeypatch.setattr(services.web.app.telemetry, "setup", lambda settings: None)
    monkeypatch.setattr(services.web.app.telemetry, "instrument", lambda app: None)
    app = create_app(WebSettings(env=env, oidc_issuers=issuers))
    assert (app.state.sign_in_issuer is not None) is code_flow
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
        # Without its CSRF token the route refuses (403); a route that is not there is 404.
        posted = await client.post("/dev/sign-in", data={"sub": "anna", "role": "caseworker", "unit": "vuxen"})
        assert posted.status_code == (403 if dev_route else 404)
        page = await client.get("/sign-in")
        assert ('href="/sign-in/start"' in page.text) is code_flow
        assert ('action="/dev/sign-in"' in page.text) is (dev_route and not code_flow)


def test_production_takes_no_plain_http_issuer_but_on_loopback():
    with pytest.raises(ValueError, match="not https"):
        WebSettings(env="prod", oidc_issuers=[{"issuer": "http://login.kommun.se/realms/omsorg"}])
    with pytest.raises(ValueError, match="OMSORG_SIGN_IN_ISSUER"):
        WebSettings(env="test", oidc_issuers=ISSUER, sign_in_issuer="http://127.0.0.1:9/other")
