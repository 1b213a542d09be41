"""The development issuer's HTTP endpoints (OpenID Connect Discovery 1.0, RFC 6749, RFC 7636):

- `GET /.well-known/openid-configuration`, `GET /jwks`
- `GET|POST /authorize`: the code flow. PKCE with S256 is required; the page is a Swedish form
  where the developer picks who signs in (user id, role, unit, provider id, personnummer).
- `POST /token`: `authorization_code` (the code once, within OMSORG_ISSUER_CODE_SECONDS, with its
  verifier and redirect URI) and `client_credentials` (service accounts of the clients file).
- `GET /logout`: end-session; returns only to a post-logout URI registered for the client.

OAuth errors are answered as RFC 6749 says (`{"error": ..., "error_description": ...}`, or back to
the client's redirect URI with `error` and `state`), since clients' libraries read them so; an
authorize request whose client or redirect URI is not known is never sent back anywhere.
"""
import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import jwt
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from services.issuer.clients import Client, load_clients
from services.issuer.keys import ALGORITHM, KeyStore, access_claims
from services.issuer.settings import IssuerSettings
from shared.pin import InvalidPersonalIdentityNumber, parse_pin
from shared.principal import ROLES

templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")

ROLE_NAMES = {"caseworker": "Handläggare", "supervisor": "Arbetsledare", "object_specialist": "Objektspecialist",
              "support": "Support", "family_law": "Familjerätt", "provider_user": "Utförare",
              "citizen": "Invånare", "service": "Tjänstekonto"}
UNIT_ROLES = ("caseworker", "supervisor", "family_law")
AUTHORIZE_PARAMS = ("response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge",
                    "code_challenge_method")
MAX_PENDING_CODES = 10_000


@dataclass
class Grant:
    """What an authorization code stands for until its client exchanges it."""
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    claims: dict
    expires_at: float


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


async def form_of(request: Request, max_bytes: int = 16 * 1024) -> dict[str, str]:
    """A posted application/x-www-form-urlencoded form (what OAuth clients send); nothing if too large."""
    body = await request.body()
    if len(body) > max_bytes:
        return {}
    try:
        return {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
    except UnicodeDecodeError:
        return {}


def oauth_error(error: str, description: str, status: int = 400, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status,
                        headers={"Cache-Control": "no-store", **(headers or {})})


def create_app(settings: IssuerSettings | None = None) -> FastAPI:
    settings = settings or IssuerSettings()
    keys = KeyStore(settings.issuer_key_dir)
    keys.keys()  # made now if there are none, so the first request does not wait for it
    clients = load_clients(settings.issuer_clients_file)
    codes: dict[str, Grant] = {}
    base = settings.issuer_url
    app = FastAPI(title="Omsorg development issuer", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings

    def page(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
        return templates.TemplateResponse(request, template, {"roles": ROLE_NAMES, **context},
                                          status_code=status_code, headers={"Cache-Control": "no-store"})

    @app.get("/health")
    async def health():
        return {"status": "ok"}

    @app.get("/ready")
    async def ready():
        return {"status": "ready"}

    @app.get("/.well-known/openid-configuration")
    async def discovery():
        return {
            "issuer": base, "authorization_endpoint": f"{base}/authorize", "token_endpoint": f"{base}/token",
            "jwks_uri": f"{base}/jwks", "end_session_endpoint": f"{base}/logout",
            "response_types_supported": ["code"], "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "client_credentials"],
            "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": [ALGORITHM],
            "code_challenge_methods_supported": ["S256"], "scopes_supported": ["openid"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "claims_supported": ["sub", "roles", "unit", "provider_id", "pin", "nonce", "aud", "iss", "exp", "iat"],
        }

    @app.get("/jwks")
    async def jwks():
        return JSONResponse(keys.jwks(), headers={"Cache-Control": "max-age=60"})

    def checked_client(params: dict) -> tuple[Client | None, str | None]:
        """The client and its redirect URI, when both are known; else what the page says."""
        client = clients.get(params.get("client_id", ""))
        if client is None:
            return None, "Klienten är okänd för utvecklingsinloggningen."
        if not params.get("redirect_uri") or not client.may_return_to(params["redirect_uri"]):
            return None, "Adressen att återvända till är inte registrerad för klienten."
        return client, None

    def back_to_client(params: dict, **answer: str) -> RedirectResponse:
        if params.get("state"):
            answer["state"] = params["state"]
        separator = "&" if "?" in params["redirect_uri"] else "?"
        return RedirectResponse(params["redirect_uri"] + separator + urlencode(answer), status_code=302,
                                headers={"Cache-Control": "no-store"})

    def request_problem(params: dict) -> str | None:
        if params.get("response_type") != "code":
            return "unsupported_response_type"
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return "invalid_request"  # PKCE with S256 is required (plain is not taken)
        if "openid" not in (params.get("scope") or "").split():
            return "invalid_scope"
        return None

    @app.get("/authorize")
    async def authorize_page(request: Request):
        params = {k: request.query_params.get(k, "") for k in AUTHORIZE_PARAMS}
        client, why = checked_client(params)
        if client is None:
            return page(request, "error.html", status_code=400, message=why)
        if error := request_problem(params):
            return back_to_client(params, error=error)
        return page(request, "sign_in.html", params=params, form={"sub": "anna", "role": "caseworker", "unit": "vuxen"})

    @app.post("/authorize")
    async def authorize(request: Request):
        form = await form_of(request)
        params = {k: form.get(k, "") for k in AUTHORIZE_PARAMS}
        client, why = checked_client(params)
        if client is None:
            return page(request, "error.html", status_code=400, message=why)
        if error := request_problem(params):
            return back_to_client(params, error=error)
        if form.get("action") == "cancel":
            return back_to_client(params, error="access_denied")
        claims, errors = person_claims(form)
        if errors:
            return page(request, "sign_in.html", status_code=422, params=params, form=form, errors=errors)
        now = time.monotonic()
        for code in [c for c, g in codes.items() if g.expires_at <= now]:
            codes.pop(code, None)
        if len(codes) >= MAX_PENDING_CODES:
            return back_to_client(params, error="temporarily_unavailable")
        code = secrets.token_urlsafe(32)
        codes[code] = Grant(client_id=params["client_id"], redirect_uri=params["redirect_uri"],
                            code_challenge=params["code_challenge"], nonce=params["nonce"] or None, claims=claims,
                            expires_at=now + settings.issuer_code_seconds)
        return back_to_client(params, code=code)

    def person_claims(form: dict) -> tuple[dict, list[str]]:
        sub, role = form.get("sub", "").strip(), form.get("role", "")
        unit, provider_id = form.get("unit", "").strip() or None, form.get("provider_id", "").strip() or None
        pin_text = form.get("pin", "").strip()
        errors, pin = [], None
        if not sub or len(sub) > 100:
            errors.append("Skriv ett användar-id (högst 100 tecken).")
        if role not in ROLES or role == "service":
            errors.append("Välj en roll.")
        if role in UNIT_ROLES and not unit:
            errors.append("Skriv enheten.")
        if role == "provider_user" and not provider_id:
            errors.append("En utförare behöver utförarens id.")
        if role == "citizen":
            try:
                pin = parse_pin(pin_text).normalized
            except InvalidPersonalIdentityNumber:
                errors.append("Skriv ett giltigt personnummer (invånare).")
        claims = {"sub": sub, "roles": [role], "unit": unit if role in UNIT_ROLES else None,
                  "provider_id": provider_id if role == "provider_user" else None, "pin": pin}
        return claims, errors

    def authenticated_client(request: Request, form: dict) -> tuple[str | None, Client | None]:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                return None, None
        client = clients.get(client_id or "")
        if client is None or not client.secret_matches(secret):
            return client_id, None
        return client_id, client

    @app.post("/token")
    async def token(request: Request):
        form = await form_of(request)
        client_id, client = authenticated_client(request, form)
        if client is None:
            return oauth_error("invalid_client", "the client is unknown or its secret does not match", 401,
                               {"WWW-Authenticate": 'Basic realm="omsorg-dev-issuer"'})
        grant_type = form.get("grant_type")
        if grant_type == "client_credentials":
            if not client.roles:
                return oauth_error("unauthorized_client", "this client is no service account")
            claims = access_claims(issuer=base, audience=settings.issuer_audience, sub=client_id, roles=client.roles,
                                   ttl_seconds=settings.issuer_token_seconds, client_id=client_id)
            return tokens(access_token=keys.sign(claims))
        if grant_type != "authorization_code":
            return oauth_error("unsupported_grant_type", "authorization_code or client_credentials")
        grant = codes.pop(form.get("code", ""), None)  # once only, whatever follows
        if grant is None or grant.expires_at <= time.monotonic():
            return oauth_error("invalid_grant", "the code is unknown, used or expired")
        if grant.client_id != client_id or grant.redirect_uri != form.get("redirect_uri"):
            return oauth_error("invalid_grant", "the code was given to another client or redirect URI")
        verifier = form.get("code_verifier", "")
        if not (43 <= len(verifier) <= 128) or not hmac.compare_digest(s256(verifier), grant.code_challenge):
            return oauth_error("invalid_grant", "the code verifier does not match the code challenge")
        person = {k: v for k, v in grant.claims.items() if k not in ("sub", "roles")}
        access = access_claims(issuer=base, audience=settings.issuer_audience, sub=grant.claims["sub"],
                               roles=grant.claims["roles"], ttl_seconds=settings.issuer_token_seconds,
                               azp=client_id, **person)
        id_claims = {"iss": base, "aud": client_id, "sub": grant.claims["sub"], "iat": access["iat"],
                     "exp": access["exp"], "auth_time": access["iat"], "azp": client_id}
        if grant.nonce:
            id_claims["nonce"] = grant.nonce
        return tokens(access_token=keys.sign(access), id_token=keys.sign(id_claims))

    def tokens(**issued: str) -> JSONResponse:
        return JSONResponse({**issued, "token_type": "Bearer", "expires_in": settings.issuer_token_seconds},
                            headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    @app.get("/logout")
    async def logout(request: Request):
        query = request.query_params
        target, client_id = query.get("post_logout_redirect_uri"), query.get("client_id")
        if hint := query.get("id_token_hint"):
            try:
                hinted = jwt.decode(hint, options={"verify_signature": False, "verify_aud": False})
                client_id = client_id or (hinted.get("aud") if isinstance(hinted.get("aud"), str) else None)
            except jwt.PyJWTError:
                return page(request, "error.html", status_code=400, message="Utloggningen hade en ogiltig id-token.")
        if not target:
            return page(request, "signed_out.html")
        client = clients.get(client_id or "")
        if client is None or not client.may_return_after_logout_to(target):
            return page(request, "error.html", status_code=400,
                        message="Adressen att återvända till efter utloggningen är inte registrerad för klienten.")
        if state := query.get("state"):
            target += ("&" if "?" in target else "?") + urlencode({"state": state})
        return RedirectResponse(target, status_code=302)

    return app
