"""Which sign-in the web offers, by its settings: the code flow with the configured OIDC issuer
(production's identity provider; the development issuer under `make up`, docker compose and the test
stack), and without one a page saying that sign-in is not set up. There is no other sign-in."""
import httpx
import pytest

from services.web.app import create_app
from services.web.settings import WebSettings

ISSUER = [{"issuer": "http://127.0.0.1:8007"}]


@pytest.mark.parametrize("env, issuers, code_flow", [
    ("prod", [], False),
    ("prod", [{"issuer": "https://login.kommun.se/realms/omsorg"}], True),
    ("dev", ISSUER, True),
    ("dev", [], False),
    ("test", ISSUER, True),
    ("test", [], False),
])
async def test_the_sign_in_offered(monkeypatch, env, issuers, code_flow):
    import services.web.app
    monkeypatch.setattr(services.web.app.telemetry, "setup", lambda settings: None)
    app = create_app(WebSettings(env=env, oidc_issuers=issuers))
    assert (app.state.sign_in_issuer is not None) is code_flow
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
        # The old sign-in without an issuer, which minted tokens itself, is gone in every environment.
        posted = await client.post("/dev/sign-in", data={"sub": "anna", "role": "caseworker", "unit": "vuxen"})
        assert posted.status_code == 404
        page = await client.get("/sign-in")
        assert ('href="/sign-in/start"' in page.text) is code_flow
        assert "<form" not in page.text and "set-cookie" not in page.headers


def test_production_takes_no_plain_http_issuer_but_on_loopback():
    with pytest.raises(ValueError, match="not https"):
        WebSettings(env="prod", oidc_issuers=[{"issuer": "http://login.kommun.se/realms/omsorg"}])
    with pytest.raises(ValueError, match="OMSORG_SIGN_IN_ISSUER"):
        WebSettings(env="test", oidc_issuers=ISSUER, sign_in_issuer="http://127.0.0.1:9/other")
