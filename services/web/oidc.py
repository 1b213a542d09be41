"""The web as a client of an OIDC issuer: the authorization code flow with PKCE (RFC 7636, S256),
state and nonce, the code exchanged at the issuer's token endpoint, and the tokens checked before a
session is made: the ID token (signature, issuer, audience = the web's client id, expiry, nonce) and
the access token as the services check it (shared/auth.py: decode_oidc, with the issuer's claim
mapping). The issuer's endpoints come from its discovery document and its keys from its JWKS
(shared/oidc.py: IssuerKeys, cached as the services cache them). httpx and PyJWT do the work."""
import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import jwt

from services.web.settings import WebSettings
from shared.auth import decode_oidc
from shared.oidc import CLOCK_SKEW_SECONDS, IssuerKeys, IssuerUnavailable, OidcIssuer, UnknownKey
from shared.principal import Principal
from shared.problems import Problem


class SignInFailed(Exception):
    """The issuer's answer cannot be trusted or used; the reason is for the log, never the page."""


@dataclass
class Pending:
    """A sign-in under way: what the callback must see again."""
    nonce: str
    verifier: str
    started_at: float


@dataclass
class SignedIn:
    principal: Principal
    access_token: str
    id_token: str | None
    expires_at: float  # epoch seconds


def new_pending() -> tuple[str, Pending]:
    return secrets.token_urlsafe(32), Pending(nonce=secrets.token_urlsafe(32), verifier=secrets.token_urlsafe(64),
                                              started_at=time.monotonic())


def challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


class SignInIssuer:
    def __init__(self, config: OidcIssuer, settings: WebSettings):
        self.config = config
        self.client_id = settings.sign_in_client_id
        self.client_secret = settings.sign_in_client_secret
        self.timeout = settings.oidc_timeout_seconds
        self.max_lifetime = settings.jwt_max_lifetime_seconds
        self.keys = IssuerKeys(config, require_tls=settings.env == "prod", timeout=settings.oidc_timeout_seconds,
                               max_age=settings.oidc_jwks_max_age_seconds,
                               min_refresh=settings.oidc_jwks_min_refresh_seconds)

    async def authorization_url(self, redirect_uri: str, state: str, pending: Pending) -> str:
        endpoint = (await self.keys.metadata()).get("authorization_endpoint")
        if not isinstance(endpoint, str):
            raise IssuerUnavailable(f"{self.config.issuer}: no authorization_endpoint")
        query = {"response_type": "code", "client_id": self.client_id, "redirect_uri": redirect_uri,
                 "scope": "openid", "state": state, "nonce": pending.nonce,
                 "code_challenge": challenge(pending.verifier), "code_challenge_method": "S256"}
        return endpoint + ("&" if "?" in endpoint else "?") + urlencode(query)

    async def end_session_url(self, id_token: str | None, after: str) -> str | None:
        try:
            endpoint = (await self.keys.metadata()).get("end_session_endpoint")
        except IssuerUnavailable:
            return None
        if not isinstance(endpoint, str):
            return None
        query = {"client_id": self.client_id, "post_logout_redirect_uri": after}
        if id_token:
            query["id_token_hint"] = id_token
        return endpoint + ("&" if "?" in endpoint else "?") + urlencode(query)

    async def finish(self, code: str, redirect_uri: str, pending: Pending) -> SignedIn:
        """The code exchanged for tokens, and those checked; SignInFailed when anything is wrong."""
        endpoint = (await self.keys.metadata()).get("token_endpoint")
        if not isinstance(endpoint, str):
            raise IssuerUnavailable(f"{self.config.issuer}: no token_endpoint")
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "client_id": self.client_id, "code_verifier": pending.verifier}
        auth = (self.client_id, self.client_secret) if self.client_secret else None
        try:
            async with httpx.AsyncClient(timeout=self.timeout, follow_redirects=False) as client:
                answer = await client.post(endpoint, data=form, auth=auth, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise IssuerUnavailable(f"{endpoint}: {type(exc).__name__}") from None
        if answer.status_code != 200:
            try:
                error = answer.json().get("error")
            except ValueError:
                error = None
            raise SignInFailed(f"the token endpoint answered {answer.status_code} {error or ''}".strip())
        try:
            tokens = answer.json()
        except ValueError:
            raise SignInFailed("the token endpoint answered no JSON") from None
        access, id_token = tokens.get("access_token"), tokens.get("id_token")
        if not isinstance(access, str) or not isinstance(id_token, str):
            raise SignInFailed("the token endpoint gave no access token or no ID token")
        await self._check_id_token(id_token, pending.nonce)
        try:
            principal = await decode_oidc(self.keys, access, self.max_lifetime)
        except Problem as problem:
            if problem.status == 503:
                raise IssuerUnavailable(problem.detail) from None
            raise SignInFailed(f"the access token is refused: {problem.detail}") from None
        expires = jwt.decode(access, options={"verify_signature": False}).get("exp")
        return SignedIn(principal=principal, access_token=access, id_token=id_token, expires_at=float(expires))

    async def _check_id_token(self, id_token: str, nonce: str) -> None:
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.PyJWTError:
            raise SignInFailed("the ID token cannot be read") from None
        algorithm = header.get("alg")
        if algorithm not in self.config.algorithms:
            raise SignInFailed("the ID token is signed with an algorithm the issuer does not use")
        try:
            key = await self.keys.key(header.get("kid") if isinstance(header.get("kid"), str) else None)
        except UnknownKey:
            raise SignInFailed("the issuer publishes no key for the ID token") from None
        try:
            claims = jwt.decode(id_token, key, algorithms=[algorithm], audience=self.client_id,
                                issuer=self.config.issuer, leeway=CLOCK_SKEW_SECONDS,
                                options={"require": ["sub", "exp", "iat", "iss", "aud"]})
        except jwt.PyJWTError as exc:
            raise SignInFailed(f"the ID token is refused: {type(exc).__name__}") from None
        given = claims.get("nonce")
        if not isinstance(given, str) or not secrets.compare_digest(given.encode(), nonce.encode()):
            raise SignInFailed("the ID token's nonce is not the one sent")
