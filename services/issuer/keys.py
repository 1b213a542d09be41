"""The issuer's signing keys: RSA keys in PEM files under OMSORG_ISSUER_KEY_DIR, so a restart keeps
the tokens already issued valid. The newest file signs; the one before it is still published in the
JWKS after a rotation, so tokens signed with it stay valid until they expire. Older keys are removed
at rotation. The key id is the key's RFC 7638 thumbprint."""
import base64
import functools
import hashlib
import json
import os
import secrets
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ALGORITHM = "RS256"
KEPT = 2  # the signing key and the one before it


def _b64(number: int) -> str:
    data = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk(key: rsa.RSAPrivateKey) -> dict:
    numbers = key.public_key().public_numbers()
    jwk = {"e": _b64(numbers.e), "kty": "RSA", "n": _b64(numbers.n)}
    thumbprint = hashlib.sha256(json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode()).digest()
    kid = base64.urlsafe_b64encode(thumbprint).rstrip(b"=").decode()
    return {**jwk, "kid": kid, "use": "sig", "alg": ALGORITHM}


class KeyStore:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._loaded: tuple[tuple[str, ...], list[tuple[rsa.RSAPrivateKey, dict]]] | None = None

    def _files(self) -> list[Path]:
        return sorted(self.directory.glob("*.pem")) if self.directory.is_dir() else []

    def keys(self) -> list[tuple[rsa.RSAPrivateKey, dict]]:
        """(private key, public JWK), oldest first; the last one signs. Made on first use; read again
        when the files change (a rotation by the command while the issuer runs)."""
        files = self._files()
        if not files:
            self.rotate()
            files = self._files()
        names = tuple(f.name for f in files)
        if self._loaded is None or self._loaded[0] != names:
            loaded = []
            for file in files:
                key = serialization.load_pem_private_key(file.read_bytes(), password=None)
                loaded.append((key, public_jwk(key)))
            self._loaded = (names, loaded)
        return self._loaded[1]

    def jwks(self) -> dict:
        return {"keys": [jwk for _, jwk in self.keys()]}

    def rotate(self) -> str:
        """A new signing key; the previous one is kept (published), older ones removed. Its kid."""
        self.directory.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        name = f"{time.time_ns():020d}.pem"
        fd = os.open(self.directory / f".{name}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        os.replace(self.directory / f".{name}", self.directory / name)
        for old in self._files()[:-KEPT]:
            old.unlink()
        return public_jwk(key)["kid"]

    def sign(self, claims: dict) -> str:
        key, jwk = self.keys()[-1]
        return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": jwk["kid"]})


@functools.lru_cache(maxsize=None)
def key_store(directory: Path) -> KeyStore:
    """The key store of a directory, one per process: its keys are read and parsed once (about 50 ms
    for an RSA key) and again only after a rotation, not for every token signed."""
    return KeyStore(directory)


def access_claims(*, issuer: str, audience: str, sub: str, roles: list[str], ttl_seconds: int,
                  unit: str | None = None, provider_id: str | None = None, pin: str | None = None,
                  now: datetime | None = None, **extra) -> dict:
    """The claims of an access token as the services read them (shared/auth.py)."""
    now = now or datetime.now(timezone.utc)
    issued = int(now.timestamp())
    claims = {"iss": issuer, "aud": audience, "sub": sub, "roles": roles, "iat": issued,
              "exp": issued + ttl_seconds, "jti": secrets.token_urlsafe(16), **extra}
    for name, value in (("unit", unit), ("provider_id", provider_id), ("pin", pin)):
        if value:
            claims[name] = value
    return claims


def development_token(sub: str, roles: list[str], *, unit: str | None = None, provider_id: str | None = None,
                      pin: str | None = None, ttl: timedelta = timedelta(hours=8), now: datetime | None = None,
                      settings=None) -> str:
    """A token of the development issuer signed with its persisted key, without asking it over HTTP:
    for `make demo` and `omsorg token` on a development machine, and the test stack's tokens (`now`
    issued at another moment, for a test of an expired token). IssuerSettings refuses OMSORG_ENV=prod,
    so this never makes a token in production."""
    from services.issuer.settings import IssuerSettings
    from shared.principal import check_token_subject
    settings = settings or IssuerSettings()
    check_token_subject(roles, provider_id=provider_id, pin=pin)
    return key_store(settings.issuer_key_dir).sign(access_claims(
        issuer=settings.issuer_url, audience=settings.issuer_audience, sub=sub, roles=roles,
        ttl_seconds=int(ttl.total_seconds()), unit=unit, provider_id=provider_id, pin=pin, now=now))
