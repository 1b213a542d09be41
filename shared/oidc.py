"""Tokens from OIDC issuers named in settings (OMSORG_OIDC_ISSUERS): their signing keys, found
through each issuer's discovery document and JWKS, and what their claims mean to Omsorg.

httpx fetches (asynchronously, so a slow identity provider never blocks the event loop); PyJWT
(jwt.PyJWKSet, jwt.decode) checks signatures. Keys are cached per issuer: a token whose `kid` is
not among them makes one fetch of the JWKS (a rotated key), but no more than one per
`jwks_min_refresh_seconds`, so tokens with made-up key ids cannot make Omsorg hammer the provider.
A provider that cannot be reached while its keys are needed gives `IssuerUnavailable`, which the
API answers with 503 `idp_unavailable` (the token may be good; the client should try again, not
throw it away as a 401 would tell it to).
"""
import asyncio
import ipaddress
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
import jwt
from pydantic import BaseModel, Field, field_validator

DISCOVERY_PATH = "/.well-known/openid-configuration"
# The provider's clock and ours may differ a little: a token issued "in a few seconds" is taken.
CLOCK_SKEW_SECONDS = 30
# Asymmetric only: a shared-secret algorithm with a public key as the secret is the classic forgery.
ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")


class OidcIssuer(BaseModel):
    """One trusted issuer and where its claims put what Omsorg needs.

    A claim is named by its key in the token or by a dotted path into it (`realm_access.roles`,
    `resource_access.omsorg.roles`); a key that is present as written wins over a path.
    """
    issuer: str
    # The audience Omsorg's tokens carry (Keycloak: an audience mapper on the client scope).
    audience: str = "omsorg"
    algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256"])
    sub_claim: str = "sub"
    roles_claim: str = "roles"
    # Provider role name -> Omsorg role; roles neither mapped nor known to Omsorg are ignored.
    role_map: dict[str, str] = Field(default_factory=dict)
    unit_claim: str = "unit"
    provider_id_claim: str = "provider_id"
    pin_claim: str = "pin"
    # Client id -> roles for tokens a client got for itself (client credentials: the token
    # carries `client_id`), e.g. {"omsorg-import": ["service"]}.
    client_roles: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("issuer")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("an issuer is an absolute http(s) URL")
        return value  # exactly as the tokens' `iss` has it (some end in a slash)

    @field_validator("algorithms")
    @classmethod
    def _asymmetric(cls, value: list[str]) -> list[str]:
        wrong = [a for a in value if a not in ASYMMETRIC]
        if wrong or not value:
            raise ValueError(f"algorithms must be asymmetric ({', '.join(ASYMMETRIC)}), not {wrong or 'none'}")
        return value


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def insecure_url_problem(url: str) -> str | None:
    """Production fetches keys over TLS only; plain HTTP only to this machine (a sidecar)."""
    if urlsplit(url).scheme == "https" or is_loopback(url):
        return None
    return f"{url} is not https (production takes plain http only on loopback)"


class IssuerUnavailable(Exception):
    """The issuer's discovery document or keys could not be fetched."""


class UnknownKey(Exception):
    """The issuer publishes no key with the token's `kid`."""


@dataclass
class IssuerKeys:
    """The signing keys of one issuer, fetched when needed and kept."""
    config: OidcIssuer
    require_tls: bool
    timeout: float = 5.0
    max_age: float = 3600.0
    min_refresh: float = 30.0
    keys: dict[str | None, jwt.PyJWK] = field(default_factory=dict)
    # The issuer's discovery document as last fetched (its endpoints, for a client such as the web).
    discovery: dict | None = None
    fetched_at: float | None = None
    attempted_at: float | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def key(self, kid: str | None) -> jwt.PyJWK:
        found = self._find(kid)
        stale = self.fetched_at is None or time.monotonic() - self.fetched_at > self.max_age
        if found is not None and not stale:
            return found
        async with self._lock:
            found = self._find(kid)
            stale = self.fetched_at is None or time.monotonic() - self.fetched_at > self.max_age
            if found is None or stale:
                await self._refresh(have_keys=bool(self.keys))
                found = self._find(kid)
        if found is None:
            raise UnknownKey()
        return found

    async def metadata(self) -> dict:
        """The issuer's discovery document, fetched with its keys when not yet had."""
        if self.discovery is None:
            async with self._lock:
                if self.discovery is None:
                    await self._refresh(have_keys=False)
        if self.discovery is None:
            raise IssuerUnavailable(f"{self.config.issuer}: no discovery document yet")
        return self.discovery

    def _find(self, kid: str | None) -> jwt.PyJWK | None:
        if kid is None and len(self.keys) == 1:  # a provider with one key may leave kid out
            return next(iter(self.keys.values()))
        return self.keys.get(kid) if kid is not None else None

    async def _refresh(self, *, have_keys: bool) -> None:
        now = time.monotonic()
        if self.attempted_at is not None and now - self.attempted_at < self.min_refresh:
            if have_keys:
                return  # asked again too soon: keep what we have
            raise IssuerUnavailable(f"{self.config.issuer}: keys not fetched yet, next try within {self.min_refresh:.0f} s")
        self.attempted_at = now
        try:
            self.keys = await self._fetch()
            self.fetched_at = time.monotonic()
        except IssuerUnavailable:
            if not have_keys:
                raise
            # Stale keys are better than none while the provider is away; a rotated key waits.

    async def _fetch(self) -> dict[str | None, jwt.PyJWK]:
        issuer = self.config.issuer
        try:
            async with httpx.AsyncClient(timeout=self.timeout, follow_redirects=False) as client:
                discovery = await self._json(client, issuer.rstrip("/") + DISCOVERY_PATH)
                if discovery.get("issuer") != issuer:
                    raise IssuerUnavailable(f"{issuer}: the discovery document names another issuer")
                jwks_uri = discovery.get("jwks_uri")
                if not isinstance(jwks_uri, str):
                    raise IssuerUnavailable(f"{issuer}: the discovery document has no jwks_uri")
                if self.require_tls and insecure_url_problem(jwks_uri):
                    raise IssuerUnavailable(f"{issuer}: {insecure_url_problem(jwks_uri)}")
                keyset = jwt.PyJWKSet.from_dict(await self._json(client, jwks_uri))
                self.discovery = discovery
        except httpx.HTTPError as exc:
            raise IssuerUnavailable(f"{issuer}: {type(exc).__name__}") from None
        except (jwt.PyJWKSetError, jwt.PyJWTError):
            raise IssuerUnavailable(f"{issuer}: the JWKS holds no usable key") from None
        # Keys for encryption (Keycloak publishes one) are not for checking signatures.
        return {key.key_id: key for key in keyset.keys if key.public_key_use in (None, "sig")}

    @staticmethod
    async def _json(client: httpx.AsyncClient, url: str) -> dict:
        response = await client.get(url, headers={"Accept": "application/json"})
        if response.status_code != 200:
            raise IssuerUnavailable(f"{url}: HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise IssuerUnavailable(f"{url}: not JSON") from None
        if not isinstance(body, dict):
            raise IssuerUnavailable(f"{url}: not a JSON object")
        return body


def claim(claims: dict, name: str):
    """A claim by its key, or by a dotted path into nested objects; None when absent."""
    if name in claims:
        return claims[name]
    value = claims
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def mapped_claims(config: OidcIssuer, claims: dict, known_roles: tuple[str, ...]) -> dict:
    """The claims Omsorg reads (sub, roles, unit, provider_id, pin, iat, exp) from a verified token."""
    raw_roles = claim(claims, config.roles_claim)
    if raw_roles is None:
        raw_roles = []
    if not isinstance(raw_roles, list) or not all(isinstance(r, str) for r in raw_roles):
        raw_roles = None  # _principal refuses what is not a list of names
    roles = None
    if raw_roles is not None:
        roles = []
        for name in raw_roles:
            role = config.role_map.get(name, name)
            if role in known_roles and role not in roles:
                roles.append(role)
        client_id = claims.get("client_id")
        if isinstance(client_id, str):
            roles += [r for r in config.client_roles.get(client_id, []) if r not in roles]
    return {"sub": claim(claims, config.sub_claim), "roles": roles, "iat": claims["iat"], "exp": claims["exp"],
            "unit": claim(claims, config.unit_claim), "provider_id": claim(claims, config.provider_id_claim),
            "pin": claim(claims, config.pin_claim)}
