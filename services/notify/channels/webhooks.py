"""Webhooks to provider systems (httpx): a signed JSON body, POSTed only to an allowed URL."""
import httpx

from services.notify.domain.signature import HEADER, provider_secret, sign
from shared.settings import Settings
from shared.webhook_url import check_webhook_url


class Webhooks:
    """POSTs a JSON body to a provider's URL, signed with the provider's secret."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.client = httpx.AsyncClient(timeout=settings.webhook_timeout_seconds, follow_redirects=False)

    async def post(self, url: str, body: bytes, *, provider_id: str, delivery_id: str) -> None:
        """Raises WebhookUrlNotAllowed, without sending, when the URL is (now) not allowed."""
        await check_webhook_url(url, self.settings)
        secret = provider_secret(self.settings.webhook_secret, provider_id)
        response = await self.client.post(url, content=body, headers={
            "Content-Type": "application/json", HEADER: sign(secret, body), "X-Omsorg-Delivery": delivery_id})
        response.raise_for_status()

    async def close(self) -> None:
        await self.client.aclose()
