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


from shared.problems import Problem
from shared.settings import Settings

from shared.principal import ROLES, Principal  # noqa: F401  (re-exported)


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


def decode_token(settings: Settings, token: str) -> Principal:
    try:
        claims = jwt.decode(token, settings.jwt_secret, algorithms=["HS256"],
                            audience=settings.jwt_audience, issuer=settings.jwt_issuer,
                            options={"require": ["sub", "exp", "iss", "aud"]})
        return Principal(sub=claims["sub"], roles=list(claims.get("roles", [])), unit=claims.get("unit"),
                         provider_id=claims.get("provider_id"), pin=claims.get("pin"))
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise _unauthorized(f"the token is not valid: {exc}") from exc


def _unauthorized(detail: str) -> Problem:
    return Problem(401, "unauthorized", "Authentication required", detail)


_bearer = HTTPBearer(auto_error=False)


async def authenticated(request: Request,
                        credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("send a bearer token in the Authorization header")
    return decode_token(request.app.state.settings, credentials.credentials)


CurrentUser = Annotated[Principal, Depends(authenticated)]

