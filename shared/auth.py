"""Bearer-JWT authentication. Who may do what: shared/access/.

Claims: sub, roles, unit (caseworker's unit), provider_id (provider user's provider),
pin (a citizen's own personal identity number). Two kinds of issuer are trusted:

- OIDC issuers named in OMSORG_OIDC_ISSUERS (RS256/ES256 tokens; keys from their JWKS, claims
  mapped per issuer): shared/oidc.py.
- The local issuer (OMSORG_JWT_ISSUER), which signs HS256 tokens with OMSORG_JWT_SECRET, for
  development, tests and the CLI; off in production when only OIDC issuers are configured.
"""
import time
from collections import OrderedDict
from datetime import datetime, timedelta, timezone
from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.oidc import CLOCK_SKEW_SECONDS, IssuerKeys, IssuerUnavailable, UnknownKey, mapped_claims
from shared.principal import ROLES, Principal, check_token_subject  # noqa: F401  (re-exported)
from shared.problems import Problem
from shared.settings import Settings


def issue_token(settings: Settings, *, sub: str, roles: list[str], unit: str | None = None,
                provider_id: str | None = None, pin: str | None = None,
                ttl: timedelta = timedelta(hours=8), now: datetime | None = None) -> str:
    check_token_subject(roles, provider_id=provider_id, pin=pin)
    now = now or datetime.now(timezone.utc)
    claims = {"sub": sub, "roles": roles, "iss": settings.jwt_issuer, "aud": settings.jwt_audience,
              "iat": now, "exp": now + ttl}
    for name, value in (("unit", unit), ("provider_id", provider_id), ("pin", pin)):
        if value:
            claims[name] = value
    if not settings.jwt_secret:
        raise ValueError("there is no local issuer: OMSORG_JWT_SECRET is not set")
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


# What a refusal says: our own words, never a library's message (which may echo the token's content).
_WHY = [(jwt.ExpiredSignatureError, "it has expired"), (jwt.ImmatureSignatureError, "it is not valid yet"),
        (jwt.InvalidAudienceError, "it is for another audience"), (jwt.InvalidIssuerError, "another issuer made it"),
        (jwt.MissingRequiredClaimError, "a required claim is missing"),
        (jwt.InvalidSignatureError, "its signature does not match"), (jwt.PyJWTError, "it cannot be read")]


class InvalidToken(ValueError):
    pass


# A client sends the same token with each request until it expires, so a verified token is kept
# for a while: the very same bytes (the whole token is the key) are trusted again without three
# decodes and a signature check, for at most VERIFIED_SECONDS and never past the token's expiry.
VERIFIED_SECONDS = 60.0
VERIFIED_MAX = 4096


async def verify_token(settings: Settings, token: str) -> Principal:
    """The principal a token names, whichever trusted issuer made it; a Problem (401, or 503 when
    the issuer's keys cannot be fetched) when it is not to be trusted."""
    verified = settings._verified_tokens
    if verified is None:
        verified = settings._verified_tokens = OrderedDict()
    now = time.time()
    kept = verified.get(token)
    if kept is not None and now < kept[1]:
        return kept[0]
    principal, expires = await _verify(settings, token)
    verified[token] = (principal, min(now + VERIFIED_SECONDS, expires))
    verified.move_to_end(token)
    while len(verified) > VERIFIED_MAX:
        verified.popitem(last=False)
    return principal


async def _verify(settings: Settings, token: str) -> tuple[Principal, float]:
    """The principal, and the moment (epoch seconds) its token expires."""
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise _unauthorized("the token is not valid: it cannot be read") from None
    issuer = unverified.get("iss") if isinstance(unverified, dict) else None
    keys = issuer_keys(settings).get(issuer) if isinstance(issuer, str) else None
    expires = unverified.get("exp") if isinstance(unverified, dict) else None
    if keys is not None:
        principal = await decode_oidc(keys, token, settings.jwt_max_lifetime_seconds, header)
    elif settings.jwt_secret and (issuer is None or issuer == settings.jwt_issuer):
        principal = decode_token(settings, token)
    else:
        raise _unauthorized("the token is not valid: another issuer made it")
    return principal, float(expires)  # a verified token has a numeric `exp` (required)


def issuer_keys(settings: Settings) -> dict[str, IssuerKeys]:
    """The key cache of each configured OIDC issuer, kept with the settings of the process."""
    cache = settings._oidc_keys
    if cache is None:
        cache = {i.issuer: IssuerKeys(i, require_tls=settings.env == "prod", timeout=settings.oidc_timeout_seconds,
                                      max_age=settings.oidc_jwks_max_age_seconds,
                                      min_refresh=settings.oidc_jwks_min_refresh_seconds)
                 for i in settings.oidc_issuers}
        settings._oidc_keys = cache
    return cache


async def decode_oidc(keys: IssuerKeys, token: str, max_lifetime_seconds: int, header: dict | None = None) -> Principal:
    """The principal of a token of one OIDC issuer (also the web's, for the token it signs in with)."""
    config = keys.config
    if header is None:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise _unauthorized("the token is not valid: it cannot be read") from None
    algorithm = header.get("alg")
    if algorithm not in config.algorithms:
        raise _unauthorized("the token is not valid: its issuer does not sign with that algorithm")
    try:
        key = await keys.key(header.get("kid") if isinstance(header.get("kid"), str) else None)
    except UnknownKey:
        raise _unauthorized("the token is not valid: its issuer publishes no such key") from None
    except IssuerUnavailable:
        raise Problem(503, "idp_unavailable", "Identity provider unavailable",
                      "the keys of the token's issuer cannot be fetched now; try again shortly",
                      headers={"Retry-After": str(max(1, round(keys.min_refresh)))}) from None
    try:
        claims = jwt.decode(token, key, algorithms=[algorithm], audience=config.audience, issuer=config.issuer,
                            leeway=CLOCK_SKEW_SECONDS, options={"require": ["sub", "exp", "iat", "iss", "aud"]})
        return _principal(max_lifetime_seconds, mapped_claims(config, claims, ROLES))
    except InvalidToken as exc:
        raise _unauthorized(f"the token is not valid: {exc}") from None
    except jwt.PyJWTError as exc:
        why = next(words for kind, words in _WHY if isinstance(exc, kind))
        raise _unauthorized(f"the token is not valid: {why}") from None


def decode_token(settings: Settings, token: str) -> Principal:
    """A token of the local issuer (HS256, OMSORG_JWT_SECRET)."""
    if not settings.jwt_secret:
        raise _unauthorized("the token is not valid: another issuer made it")
    try:
        claims = jwt.decode(token, settings.jwt_secret, algorithms=["HS256"],
                            audience=settings.jwt_audience, issuer=settings.jwt_issuer,
                            options={"require": ["sub", "exp", "iat", "iss", "aud"]})
        return _principal(settings.jwt_max_lifetime_seconds, claims)
    except InvalidToken as exc:
        raise _unauthorized(f"the token is not valid: {exc}") from None
    except jwt.PyJWTError as exc:
        why = next(words for kind, words in _WHY if isinstance(exc, kind))
        raise _unauthorized(f"the token is not valid: {why}") from None


def _principal(max_lifetime_seconds: int, claims: dict) -> Principal:
    """The principal a verified token names, if its claims are what Omsorg expects."""
    lifetime = claims["exp"] - claims["iat"]
    if not isinstance(lifetime, (int, float)) or lifetime > max_lifetime_seconds or \
            claims["exp"] - datetime.now(timezone.utc).timestamp() > max_lifetime_seconds:
        raise InvalidToken(f"it lives longer than {max_lifetime_seconds // 3600} hours")
    sub = claims["sub"]
    if not isinstance(sub, str) or not sub.strip():
        raise InvalidToken("`sub` must name someone")
    roles = claims.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise InvalidToken("`roles` must be a list of names")
    optional = {name: claims.get(name) for name in ("unit", "provider_id", "pin")}
    if not all(value is None or isinstance(value, str) for value in optional.values()):
        raise InvalidToken("`unit`, `provider_id` and `pin` must be text")
    for text in (sub, *roles, *(v for v in optional.values() if v)):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidToken("a claim holds text that is not valid Unicode") from None
    return Principal(sub=sub, roles=roles, **optional)


def _unauthorized(detail: str) -> Problem:
    return Problem(401, "unauthorized", "Authentication required", detail,
                   headers={"WWW-Authenticate": 'Bearer realm="omsorg"'})


_bearer = HTTPBearer(auto_error=False)


async def authenticated(request: Request,
                        credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("send a bearer token in the Authorization header")
    return await verify_token(request.app.state.settings, credentials.credentials)


CurrentUser = Annotated[Principal, Depends(authenticated)]

