"""Webhooks to provider systems (httpx): a signed JSON body, POSTed only to an allowed URL."""
from datetime import datetime, timezone

import httpx

from services.notify.domain.signature import signed_headers
from shared.settings import Settings
from shared.webhook_secret import provider_webhook_secret
from shared.webhook_url import webhook_target


class Webhooks:
    """POSTs a JSON body to a provider's URL, signed with the provider's secret."""

    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self.client = httpx.AsyncClient(timeout=settings.webhook_timeout_seconds, follow_redirects=False,
                                        transport=transport)

    async def post(self, url: str, body: bytes, *, provider_id: str, delivery_id: str, key_version: int = 0) -> None:
        """Raises WebhookUrlNotAllowed, without sending, when the URL is (now) not allowed. The
        request goes to the address that was checked, not to a second lookup of the name."""
        target = await webhook_target(url, self.settings)
        secret = provider_webhook_secret(self.settings.webhook_secret, provider_id, key_version)
        # Real wall time, not the service's (adjustable) clock: the receiver checks the
        # timestamp against its own clock and refuses one more than 5 minutes off.
        signed = signed_headers(secret, delivery_id=delivery_id, body=body, sent_at=datetime.now(timezone.utc))
        response = await self.client.post(
            target.url, content=body,
            headers={"Host": target.host_header, "Content-Type": "application/json", **signed},
            extensions={"sni_hostname": target.host} if target.https else {})
        response.raise_for_status()

    async def close(self) -> None:
        await self.client.aclose()
