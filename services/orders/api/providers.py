"""HTTP routes for providers (utförare): registered by an object specialist, chosen by caseworkers."""
from datetime import datetime
from uuid import UUID

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from services.orders.api.models import PROVIDER_ID, Intervention
from services.orders.usecases import providers
from shared.access import Grant
from shared.access.routes import allow
from shared.api import IfMatch, PageDep, UnitOfWorkDep
from shared.etag import etag, etag_header
from shared.openapi import service_router
from shared.pagination import Page

router = service_router(prefix="/providers", tags=["providers"])
ETAG = etag_header("The provider's revision: send it back in If-Match to rotate its webhook secret only if"
                   " nobody has changed it since you read it")


class ProviderIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "Hemtjänst Norr AB", "organisation_number": "556036-0793", "email": "order@norr.example.se",
        "webhook_url": "https://norr.example.se/hooks/omsorg", "interventions": ["home_help", "escort_service"]}]})

    name: str = Field(min_length=1, max_length=200, pattern=r"\S")
    organisation_number: str = Field(max_length=20, description="NNNNNN-NNNN")
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                       description="Where order notices and reminders go")
    webhook_url: HttpUrl | None = Field(None, description="Optional: the provider's system is told of orders here")
    interventions: list[Intervention] = Field(min_length=1, max_length=50)


class ProviderOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": PROVIDER_ID, "name": "Hemtjänst Norr AB", "organisation_number": "556036-0793",
        "email": "order@norr.example.se", "webhook_url": "https://norr.example.se/hooks/omsorg",
        "interventions": ["escort_service", "home_help"], "registered_by": "olle",
        "registered_at": "2026-02-02T09:00:00Z"}]})

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


def _tagged(row, response: Response) -> ProviderOut:
    response.headers["ETag"] = etag(row["revision"])
    return ProviderOut.of(row)


@router.post("", status_code=201, response_model=ProviderOut,
             responses={201: {"description": "The provider", "headers": ETAG}},
             summary="Register a provider (utförare)")
async def register_provider(body: ProviderIn, response: Response, uow: UnitOfWorkDep,
                            user: Grant = allow("orders:provider.register")) -> ProviderOut:
    """Registers a provider (utförare) that orders can be sent to: its organisation number, the
    e-mail address order notices go to, an optional webhook URL and the interventions it offers.
    Object specialists and supervisors. 409 `provider_exists` for an organisation number already
    registered; 422 for an invalid organisation number or an unknown intervention, and
    `webhook_url_not_allowed` for a webhook that does not go to a public address. The answer's
    Location is the provider's own URL (GET /providers/{provider_id})."""
    return _tagged(await providers.register_provider(
        uow, user, name=body.name, organisation_number=body.organisation_number, email=body.email,
        webhook_url=str(body.webhook_url) if body.webhook_url else None, interventions=body.interventions), response)


@router.get("", response_model=Page[ProviderOut],
            summary="Providers by name, optionally those offering an intervention")
async def list_providers(uow: UnitOfWorkDep, page: PageDep, intervention: Intervention | None = None,
                         user: Grant = allow("orders:provider.list")) -> Page[ProviderOut]:
    """The registered providers by name, a page at a time; with `intervention`, only those that
    offer it: what a caseworker chooses from when ordering. Caseworkers, supervisors and object
    specialists."""
    found = await providers.list_providers(uow, user, intervention=intervention, limit=page.limit, cursor=page.cursor)
    return Page[ProviderOut](items=[ProviderOut.of(r) for r in found.items], next_cursor=found.next_cursor)


@router.get("/{provider_id}", response_model=ProviderOut, summary="Read a provider",
            responses={200: {"description": "The provider", "headers": ETAG}})
async def get_provider(provider_id: UUID, response: Response, uow: UnitOfWorkDep,
                       user: Grant = allow("orders:provider.list")) -> ProviderOut:
    """One registered provider: its organisation number, where order notices go and the
    interventions it offers. Who may read it as for the list; 404 `provider_not_found`. Its ETag,
    sent back in If-Match, makes a rotation of its webhook secret apply only to the provider as
    read."""
    return _tagged(await providers.get_provider(uow, user, provider_id), response)


class WebhookSecretOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "provider_id": PROVIDER_ID, "key_version": 2, "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "rotated_at": "2026-03-01T08:00:00Z"}]})

    provider_id: UUID
    key_version: int = Field(description="Raised by one on each rotation")
    secret: str = Field(description="whsec_<base64>: shown this once and stored nowhere; sign checks with it "
                                    "per Standard Webhooks")
    rotated_at: datetime


class WebhookSecretStatus(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "provider_id": PROVIDER_ID, "key_version": 2, "rotated_at": "2026-03-01T08:00:00Z", "rotated_by": "olle"}]})

    provider_id: UUID
    key_version: int = Field(description="0: no secret issued yet")
    rotated_at: datetime | None
    rotated_by: str | None


@router.post("/{provider_id}/webhook-secret", status_code=201, response_model=WebhookSecretOut,
             responses={201: {"description": "The new secret", "headers": ETAG}},
             summary="Issue or rotate the provider's webhook signing secret, shown this once")
async def rotate_webhook_secret(provider_id: UUID, uow: UnitOfWorkDep, response: Response, if_match: IfMatch = None,
                                user: Grant = allow("orders:provider.webhook_secret")) -> WebhookSecretOut:
    """Issues the provider a new secret for checking the signatures of Omsorg's webhook calls
    (Standard Webhooks), replacing any earlier one, and raises its key version. The secret is in
    this answer only: it is stored nowhere else and cannot be read again. Object specialists and
    supervisors; 404 `provider_not_found`; 412 `etag_mismatch` with an If-Match (the ETag of the
    provider or of its secret's status) the provider no longer has, so that two administrators
    do not rotate over each other unseen."""
    row, secret = await providers.rotate_webhook_secret(uow, user, provider_id, if_match=if_match)
    response.headers["Cache-Control"] = "no-store"
    response.headers["ETag"] = etag(row["revision"])
    return WebhookSecretOut(provider_id=row["id"], key_version=row["webhook_key_version"], secret=secret,
                            rotated_at=row["webhook_key_rotated_at"])


@router.get("/{provider_id}/webhook-secret", response_model=WebhookSecretStatus,
            responses={200: {"description": "The secret's status", "headers": ETAG}},
            summary="Whether and when the provider's webhook secret was issued (never the secret)")
async def webhook_secret_status(provider_id: UUID, response: Response, uow: UnitOfWorkDep,
                                user: Grant = allow("orders:provider.webhook_secret")) -> WebhookSecretStatus:
    """Whether the provider has a webhook secret (key version 0: none yet), when it was issued and
    by whom; never the secret itself. Object specialists and supervisors; 404
    `provider_not_found`. Its ETag is the provider's, for If-Match on the next rotation."""
    row = await providers.webhook_secret_status(uow, user, provider_id)
    response.headers["ETag"] = etag(row["revision"])
    return WebhookSecretStatus(provider_id=row["id"], key_version=row["webhook_key_version"],
                               rotated_at=row["webhook_key_rotated_at"], rotated_by=row["webhook_key_rotated_by"])
