"""HTTP routes for providers (utförare): registered by an object specialist, chosen by caseworkers."""
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field, HttpUrl
from uuid6 import uuid7

from services.orders.api.models import DEFAULT_PAGE, MAX_PAGE, Intervention
from services.orders.domain.providers import normalise_organisation_number
from services.orders.store import providers as store
from shared import errors
from shared.access import Grant
from shared.access.routes import allow
from shared.audit import log_access
from shared.service import ClockDep, OutboxDep, Pool
from shared.webhook_url import WebhookUrlNotAllowed, check_webhook_url

router = APIRouter(prefix="/providers", tags=["providers"])


class ProviderIn(BaseModel):
    name: str = Field(min_length=1, max_length=200, pattern=r"\S")
    organisation_number: str = Field(max_length=20, description="NNNNNN-NNNN")
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                       description="Where order notices and reminders go")
    webhook_url: HttpUrl | None = Field(None, description="Optional: the provider's system is told of orders here")
    interventions: list[Intervention] = Field(min_length=1, max_length=50)


class ProviderOut(BaseModel):
    id: UUID
    name: str
    organisation_number: str
    email: str
    webhook_url: str | None
    interventions: list[str]
    registered_by: str
    registered_at: datetime


class ProviderPage(BaseModel):
    providers: list[ProviderOut]
    next_after: UUID | None = Field(description="Pass as `after` for the next page; null on the last")


def _out(row) -> ProviderOut:
    return ProviderOut(**{k: row[k] for k in ProviderOut.model_fields})


@router.post("", status_code=201, response_model=ProviderOut, summary="Register a provider (utförare)")
async def register_provider(body: ProviderIn, request: Request, pool: Pool, clock: ClockDep,
                            user: Grant = allow("orders:provider.register")) -> ProviderOut:
    number = normalise_organisation_number(body.organisation_number)
    if body.webhook_url is not None:
        try:
            await check_webhook_url(str(body.webhook_url), request.app.state.settings)
        except WebhookUrlNotAllowed as exc:
            raise errors.invalid("webhook_url_not_allowed", "Omsorg may not send webhooks to this URL",
                          f"{exc}; give a public https address") from None
    async with pool.acquire() as conn, conn.transaction():
        row = await store.insert(conn, provider_id=uuid7(), name=body.name.strip(), organisation_number=number,
                                 email=body.email, webhook_url=str(body.webhook_url) if body.webhook_url else None,
                                 interventions=sorted(set(body.interventions)), registered_by=user.sub,
                                 registered_at=clock.now())
    if row is None:
        raise errors.conflict("provider_exists", "A provider with this organisation number is registered", number)
    return _out(row)


@router.get("", response_model=ProviderPage, summary="Providers by name, optionally those offering an intervention")
async def list_providers(request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                         intervention: Intervention | None = None,
                         limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                         after: Annotated[UUID | None, Query(description="`next_after` of the previous page")] = None,
                         user: Grant = allow("orders:provider.list")) -> ProviderPage:
    async with pool.acquire() as conn, conn.transaction():
        rows = await store.page(conn, intervention=intervention, after=after, limit=limit)
        await log_access(conn, outbox, clock, user, resource="providers", person_id=None, request=request)
    return ProviderPage(providers=[_out(r) for r in rows], next_after=rows[-1]["id"] if len(rows) == limit else None)
