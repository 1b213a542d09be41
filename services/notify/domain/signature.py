"""The signature of a webhook body: `X-Omsorg-Signature: sha256=<hex HMAC-SHA256 of the raw body>`.

Each provider has its own secret, derived from the service's webhook secret and the
provider id, so one provider's secret tells nothing about another's.
"""
import hashlib
import hmac

HEADER = "X-Omsorg-Signature"


def provider_secret(master_secret: str, provider_id: str) -> str:
    return hmac.new(master_secret.encode(), str(provider_id).encode(), hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    return hmac.compare_digest(sign(secret, body), header or "")
