"""Providers (utförare): registered by an object specialist, chosen by caseworkers."""
from uuid import UUID

import asyncpg
from uuid6 import uuid7

from services.orders.domain.providers import (
    normalise_email,
    normalise_organisation_number,
)
from services.orders.store import providers as store
from shared import errors
from shared import interventions as catalogue
from shared.access import Grant
from shared.pagination import Listed, decode_cursor
from shared.unit_of_work import UnitOfWork
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
