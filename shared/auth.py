"""Bearer-JWT authentication (OIDC-style claims). Who may do what: shared/access/.

Claims: sub, roles, unit (caseworker's unit), provider_id (provider user's provider),
pin (a citizen's own personal identity number). The local issuer signs HS256 tokens
for development and tests with OMSORG_JWT_SECRET.
"""
from datetime import datetime, timedelta, timezone
from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.principal import ROLES, Principal  # noqa: F401  (re-exported)
from shared.problems import Problem
from shared.settings import Settings


def issue_token(settings: Settings, *, sub: str, roles: list[str], unit: str | None = None,
                provider_id: str | None = None, pin: str | None = None,
                ttl: timedelta = timedelta(hours=8), now: datetime | None = None) -> str:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValueError(f"unknown role(s) {unknown}; known: {', '.join(ROLES)}")
    if "provider_user" in roles and not provider_id:
        raise ValueError("a provider user needs a provider id")
    if "citizen" in roles and not pin:
        raise ValueError("a citizen needs a personal identity number")
    now = now or datetime.now(timezone.utc)
    claims = {"sub": sub, "roles": roles, "iss": settings.jwt_issuer, "aud": settings.jwt_audience,
              "iat": now, "exp": now + ttl}
    for name, value in (("unit", unit), ("provider_id", provider_id), ("pin", pin)):
        if value:
            claims[name] = value
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


# What a refusal says: our own words, never a library's message (which may echo the token's content).
_WHY = [(jwt.ExpiredSignatureError, "it has expired"), (jwt.ImmatureSignatureError, "it is not valid yet"),
        (jwt.InvalidAudienceError, "it is for another audience"), (jwt.InvalidIssuerError, "another issuer made it"),
        (jwt.MissingRequiredClaimError, "a required claim is missing"),
        (jwt.InvalidSignatureError, "its signature does not match"), (jwt.PyJWTError, "it cannot be read")]


class InvalidToken(ValueError):
    pass


def decode_token(settings: Settings, token: str) -> Principal:
    try:
        claims = jwt.decode(token, settings.jwt_secret, algorithms=["HS256"],
                            audience=settings.jwt_audience, issuer=settings.jwt_issuer,
                            options={"require": ["sub", "exp", "iat", "iss", "aud"]})
        return _principal(settings, claims)
    except InvalidToken as exc:
        raise _unauthorized(f"the token is not valid: {exc}") from None
    except jwt.PyJWTError as exc:
        why = next(words for kind, words in _WHY if isinstance(exc, kind))
        raise _unauthorized(f"the token is not valid: {why}") from None


def _principal(settings: Settings, claims: dict) -> Principal:
    """The principal a verified token names, if its claims are what Omsorg expects."""
    lifetime = claims["exp"] - claims["iat"]
    if not isinstance(lifetime, (int, float)) or lifetime > settings.jwt_max_lifetime_seconds or \
            claims["exp"] - datetime.now(timezone.utc).timestamp() > settings.jwt_max_lifetime_seconds:
        raise InvalidToken(f"it lives longer than {settings.jwt_max_lifetime_seconds // 3600} hours")
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
    return decode_token(request.app.state.settings, credentials.credentials)


CurrentUser = Annotated[Principal, Depends(authenticated)]

