"""Providers' webhook key versions, learnt from orders (docs/adr/0016)."""
from services.notify.store import webhook_keys as store
from shared.events.catalog import ProviderWebhookKeyRotated
from shared.unit_of_work import UnitOfWork


async def remember_rotation(uow: UnitOfWork, data: ProviderWebhookKeyRotated) -> None:
    """The provider's webhooks are signed from now on with the secret of this key version."""
    async with uow:
        await store.remember(uow.conn, provider_id=data.provider_id, key_version=data.key_version,
                             rotated_at=data.rotated_at)
