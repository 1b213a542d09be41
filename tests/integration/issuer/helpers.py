"""Signing in at the development issuer as a browser would: its page, its form, the redirect back."""
import base64
import hashlib
import html
import re
import secrets
from urllib.parse import parse_qs, urlsplit

import httpx

HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')
WEB = "omsorg-web"
IMPORT_CLIENT, IMPORT_SECRET = "omsorg-import", "omsorg-import-development-secret"


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


async def pick_person(client: httpx.AsyncClient, authorize_url: str, **person: str) -> httpx.Response:
    """The issuer's page at `authorize_url`, filled in with `person` (sub, role, unit, provider_id,
    pin) and sent: the issuer's answer (a redirect back to the client when it is taken)."""
    page = await client.get(authorize_url)
    assert page.status_code == 200, page.text
    assert '<html lang="sv">' in page.text and "Logga in" in page.text
    hidden = {name: html.unescape(value) for name, value in HIDDEN.findall(page.text)}
    action = str(page.url).split("?")[0]
    return await client.post(action, data={**hidden, "action": "sign-in", **person})


async def code_for(client: httpx.AsyncClient, issuer: str, verifier: str, redirect_uri: str,
                   state: str = "s", nonce: str = "n", **person: str) -> str:
    """A code of the issuer for the web client, asked for with the challenge of `verifier`."""
    query = {"response_type": "code", "client_id": WEB, "redirect_uri": redirect_uri, "scope": "openid",
             "state": state, "nonce": nonce, "code_challenge": s256(verifier), "code_challenge_method": "S256"}
    answer = await pick_person(client, str(httpx.URL(f"{issuer}/authorize", params=query)), **person)
    assert answer.status_code == 302, answer.text
    back = query_of(answer.headers["location"])
    assert answer.headers["location"].startswith(redirect_uri) and back["state"] == state
    return back["code"]


def new_verifier() -> str:
    return secrets.token_urlsafe(48)
