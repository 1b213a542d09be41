"""Webhook signatures per Standard Webhooks (https://www.standardwebhooks.com).

Each request carries `webhook-id` (the delivery id, the same on every retry), `webhook-timestamp`
(unix seconds when it was sent) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of
"{id}.{timestamp}.{body}">`), signed by the `standardwebhooks` library with the provider's own
secret (shared/webhook_secret.py). A receiver verifies with `Webhook(secret).verify(body, headers)`,
which also refuses a timestamp more than 5 minutes off, so an old request cannot be replayed.
"""
from datetime import datetime

from standardwebhooks.webhooks import Webhook


def signed_headers(secret: str, *, delivery_id: str, body: bytes, sent_at: datetime) -> dict[str, str]:
    return {
        "webhook-id": delivery_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(secret).sign(delivery_id, sent_at, body.decode()),
    }
