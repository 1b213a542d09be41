"""HTTP routes for providers (utförare): registered by an object specialist, chosen by caseworkers."""
from datetime import datetime
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field, HttpUrl

from services.orders.api.models import Intervention
from services.orders.usecases import providers
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.pagination import Page

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

    @classmethod
    def of(cls, row) -> "ProviderOut":
        return cls(**{k: row[k] for k in cls.model_fields})


@router.post("", status_code=201, response_model=ProviderOut, summary="Register a provider (utförare)")
async def register_provider(body: ProviderIn, uow: UnitOfWorkDep,
                            user: Grant = allow("orders:provider.register")) -> ProviderOut:
    return ProviderOut.of(await providers.register_provider(
        uow, user, name=body.name, organisation_number=body.organisation_number, email=body.email,
        webhook_url=str(body.webhook_url) if body.webhook_url else None, interventions=body.interventions))


@router.get("", response_model=Page[ProviderOut],
            summary="Providers by name, optionally those offering an intervention")
async def list_providers(uow: UnitOfWorkDep, page: PageDep, intervention: Intervention | None = None,
                         user: Grant = allow("orders:provider.list")) -> Page[ProviderOut]:
    found = await providers.list_providers(uow, user, intervention=intervention, limit=page.limit, cursor=page.cursor)
    return Page[ProviderOut](items=[ProviderOut.of(r) for r in found.items], next_cursor=found.next_cursor)
