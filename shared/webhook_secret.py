"""A provider's webhook signing secret, in the Standard Webhooks format `whsec_<base64>`.

It is never stored nor sent on the bus: it is derived from the service's webhook secret
(`OMSORG_WEBHOOK_SECRET`), the provider id and the provider's key version, a number that
orders raises each time an administrator issues a new secret (docs/adr/0016). Orders
derives it once to show it; notify derives it again, from the version it has learnt, to
sign. Version 0 is the secret before any was issued: no one has been shown it.
"""
import base64
import hashlib
import hmac
from uuid import UUID

PREFIX = "whsec_"


def provider_webhook_secret(master_secret: str, provider_id: UUID | str, key_version: int) -> str:
    key = hmac.new(master_secret.encode(), f"omsorg-webhook:{provider_id}:{int(key_version)}".encode(),
                   hashlib.sha256).digest()
    return PREFIX + base64.b64encode(key).decode()
