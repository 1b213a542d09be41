"""Providers (utförare): registered by an object specialist, chosen by caseworkers."""
from uuid import UUID

import asyncpg
from uuid_utils.compat import uuid7

from services.orders.domain.providers import (
    normalise_email,
    normalise_organisation_number,
)
from services.orders.store import providers as store
from shared import errors
from shared import interventions as catalogue
from shared.access import Grant
from shared.etag import ensure_current, etag
from shared.events.catalog import ProviderWebhookKeyRotated
from shared.pagination import Listed, decode_cursor
from shared.unit_of_work import UnitOfWork
from shared.webhook_secret import provider_webhook_secret
from shared.webhook_url import WebhookUrlNotAllowed, check_webhook_url


async def register_provider(uow: UnitOfWork, user: Grant, *, name: str, organisation_number: str, email: str,
                            webhook_url: str | None, interventions: list[str]) -> asyncpg.Record:
    """A new provider; its organisation number must be valid and not registered yet, and its
    webhook, if it has one, must go to a public address."""
    number = normalise_organisation_number(organisation_number)
    email = normalise_email(email)
    for code in interventions:
        catalogue.get(code)
    if webhook_url is not None:
        try:  # before the unit of work: resolving the host takes a while and needs no connection
            await check_webhook_url(webhook_url, uow.settings)
        except WebhookUrlNotAllowed as exc:
            raise errors.invalid("webhook_url_not_allowed", "Omsorg may not send webhooks to this URL",
                                 f"{exc}; give a public https address") from None
    async with uow:
        row = await store.insert(uow.conn, provider_id=uuid7(), name=name.strip(), organisation_number=number,
                                 email=email, webhook_url=webhook_url, interventions=sorted(set(interventions)),
                                 registered_by=user.sub, registered_at=uow.now())
        if row is None:
            raise errors.conflict("provider_exists", "A provider with this organisation number is registered",
                                  number)
    return row


async def list_providers(uow: UnitOfWork, user: Grant, *, intervention: str | None = None, limit: int,
                         cursor: str | None = None) -> Listed[asyncpg.Record]:
    """Providers by name (then id), optionally only those offering `intervention`."""
    after = decode_cursor(cursor, str, UUID)
    async with uow:
        rows = await store.page(uow.conn, intervention=intervention, after=after, limit=limit + 1)
        listed = Listed.of(rows, limit, lambda r: (r["name"], r["id"]))
        uow.log_read(user, resource="providers", person_id=None)
    return listed


def _not_found(provider_id: UUID) -> errors.DomainError:
    return errors.not_found("provider_not_found", "No such provider", str(provider_id))


async def get_provider(uow: UnitOfWork, user: Grant, provider_id: UUID) -> asyncpg.Record:
    async with uow:
        row = await store.get(uow.conn, provider_id)
        if row is None:
            raise _not_found(provider_id)
        uow.log_read(user, resource=f"provider/{provider_id}", person_id=None)
    return row


async def rotate_webhook_secret(uow: UnitOfWork, user: Grant, provider_id: UUID, *,
                                if_match: str | None = None) -> tuple[asyncpg.Record, str]:
    """Issue the provider a new webhook secret (the first, or one replacing the last): its key
    version goes up by one and notify learns the version from `provider.webhook_key_rotated`.
    Returns the provider and the secret, which is shown this once and stored nowhere. With
    `if_match`, only for the provider as the user read it: 412 `etag_mismatch` when it changed
    since (another rotation, say)."""
    async with uow:
        current = await store.get(uow.conn, provider_id, for_update=True)
        if current is None:
            raise _not_found(provider_id)
        ensure_current(if_match, etag(current["revision"]))
        row = await store.rotate_webhook_key(uow.conn, provider_id, rotated_by=user.sub, rotated_at=uow.now())
        uow.publish(ProviderWebhookKeyRotated(provider_id=row["id"], key_version=row["webhook_key_version"],
                                              rotated_by=user.sub, rotated_at=row["webhook_key_rotated_at"]),
                    key=str(row["id"]))
    return row, provider_webhook_secret(uow.settings.webhook_secret, row["id"], row["webhook_key_version"])


async def webhook_secret_status(uow: UnitOfWork, user: Grant, provider_id: UUID) -> asyncpg.Record:
    """Whether and when a webhook secret was issued; never the secret."""
    async with uow:
        row = await store.get(uow.conn, provider_id)
        if row is None:
            raise _not_found(provider_id)
    return row
