"""Request and response models of the orders API, shared by its routes."""
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.orders.domain.orders import OrderState, details_visible_to_provider

Reason = Annotated[str, Field(min_length=1, max_length=2_000, pattern=r"\S")]
Intervention = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$",
                                    description="e.g. home_help (hemtjänst), escort_service (ledsagning)")]

ORDER_ID = "01960a8c-3b2d-7e4f-9a1b-2c3d4e5f6a7b"
CASE_ID = "5c0a7e2d-91b4-4f36-8d2a-6e3b1f0c9a47"
DECISION_ID = "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"
PROVIDER_ID = "01958e21-4c3b-7d2a-8e1f-0a9b8c7d6e5f"
PERSON_ID = "7d3e9f1a-2b4c-4d5e-8f6a-9b0c1d2e3f4a"
DETAILS = ("Hjälp med inköp en gång i veckan och med att laga middag varje dag. Tolvan har nedsatt syn;"
           " ring på dörren och säg vem du är. Nyckel finns i kodskåp.")
DIGEST = "sha256:9f2c1e4b7a0d3f6e8c5b2a1d4e7f0a3c6b9e2d5f8a1c4b7e0d3f6a9c2e5b8d1f"


class OrderIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "case_id": CASE_ID, "decision_id": DECISION_ID, "provider_id": PROVIDER_ID, "intervention": "home_help",
        "details": DETAILS, "wanted_start": "2026-03-16"}]})

    case_id: UUID
    decision_id: UUID
    provider_id: UUID
    intervention: Intervention
    details: str = Field(min_length=1, max_length=20_000, description="What the provider needs to know")
    wanted_start: date


class OrderChange(BaseModel):
    """A draft's provider, details or wanted start; what is left out stays."""
    model_config = ConfigDict(json_schema_extra={"examples": [{"wanted_start": "2026-03-23"}]})

    provider_id: UUID | None = None
    details: str | None = Field(None, min_length=1, max_length=20_000)
    wanted_start: date | None = None

    @model_validator(mode="after")
    def _something(self) -> "OrderChange":
        if self.provider_id is None and self.details is None and self.wanted_start is None:
            raise ValueError("give at least one of provider_id, details, wanted_start")
        return self


class RecallIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"reason": "Tolvan har flyttat till korttidsboende och behöver inte hemtjänst nu."}]})

    reason: Reason


class RedirectIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "provider_id": "01958e22-9a8b-7c6d-8e5f-4a3b2c1d0e9f",
        "reason": "Tolvan har valt en annan utförare inom valfrihetssystemet."}]})

    provider_id: UUID = Field(description="The right provider")
    reason: Reason


class RejectIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"reason": "Vi har inte personal i området att starta den önskade dagen."}]})

    reason: Reason


class StartIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"started_on": "2026-03-16"}]})

    started_on: date = Field(description="The day the intervention began (verkställighetsdatum)")


class DeliveryIn(BaseModel):
    """Delivered time or units on one day: exactly one of `minutes` and `units`."""
    model_config = ConfigDict(json_schema_extra={"examples": [{"delivered_on": "2026-03-17", "minutes": 75}]})

    delivered_on: date
    minutes: int | None = Field(None, ge=1, le=24 * 60)
    units: int | None = Field(None, ge=1, le=1_000)

    @model_validator(mode="after")
    def _one_measure(self) -> "DeliveryIn":
        if (self.minutes is None) == (self.units is None):
            raise ValueError("give exactly one of minutes and units")
        return self

    @property
    def measure(self) -> Literal["minutes", "units"]:
        return "minutes" if self.minutes is not None else "units"

    @property
    def quantity(self) -> int:
        return self.minutes if self.minutes is not None else self.units


class HistoryOut(BaseModel):
    action: str
    from_state: OrderState | None
    to_state: OrderState
    actor: str
    at: datetime
    reason: str | None
    detail: dict[str, Any]


class DeliveryTotals(BaseModel):
    reports: int
    minutes: int
    units: int


class OrderOut(BaseModel):
    """An order as the municipality sees it, with its full history."""
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": ORDER_ID, "case_id": CASE_ID, "decision_id": DECISION_ID, "provider_id": PROVIDER_ID,
        "provider_name": "Hemtjänst Norr AB", "unit": "vuxen", "person_id": PERSON_ID, "intervention": "home_help",
        "details": DETAILS, "wanted_start": "2026-03-16", "state": "sent", "created_by": "anna",
        "created_at": "2026-03-09T10:02:11Z", "sent_by": "anna", "sent_at": "2026-03-09T10:05:42Z",
        "content_digest": DIGEST, "opened_at": None, "started_on": None, "recalled_at": None,
        "replaces_order_id": None, "replaced_by_order_id": None,
        "deliveries": {"reports": 0, "minutes": 0, "units": 0},
        "history": [
            {"action": "create", "from_state": None, "to_state": "draft", "actor": "anna",
             "at": "2026-03-09T10:02:11Z", "reason": None, "detail": {"provider_id": PROVIDER_ID}},
            {"action": "send", "from_state": "draft", "to_state": "sent", "actor": "anna",
             "at": "2026-03-09T10:05:42Z", "reason": None, "detail": {"content_digest": DIGEST}}]}]})

    id: UUID
    case_id: UUID
    decision_id: UUID
    provider_id: UUID
    provider_name: str
    unit: str
    person_id: UUID | None
    intervention: str
    details: str
    wanted_start: date
    state: OrderState
    created_by: str
    created_at: datetime
    sent_by: str | None
    sent_at: datetime | None
    content_digest: str | None = Field(description="sha256 of the content signed when sending")
    opened_at: datetime | None
    started_on: date | None
    recalled_at: datetime | None
    replaces_order_id: UUID | None
    replaced_by_order_id: UUID | None
    deliveries: DeliveryTotals
    history: list[HistoryOut] = Field(description="Every change, oldest first: who, when, why")

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> "OrderOut":
        """From an order of the use cases (`store.orders.get(with_history=True)`)."""
        return cls(**{k: row[k] for k in cls.model_fields})


class OrderSummary(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": ORDER_ID, "state": "sent", "provider_id": PROVIDER_ID, "provider_name": "Hemtjänst Norr AB",
        "intervention": "home_help", "wanted_start": "2026-03-16", "sent_at": "2026-03-09T10:05:42Z",
        "replaces_order_id": None, "replaced_by_order_id": None}]})

    id: UUID
    state: OrderState
    provider_id: UUID
    provider_name: str
    intervention: str
    wanted_start: date
    sent_at: datetime | None
    replaces_order_id: UUID | None
    replaced_by_order_id: UUID | None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> "OrderSummary":
        return cls(**{k: row[k] for k in cls.model_fields})


class ProviderOrderOut(BaseModel):
    """An order as its provider sees it. A recalled order shows only that it was recalled."""
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": ORDER_ID, "state": "opened", "sent_at": "2026-03-09T10:05:42Z", "opened_at": "2026-03-09T13:30:05Z",
        "recalled_at": None, "person_id": PERSON_ID, "intervention": "home_help", "details": DETAILS,
        "wanted_start": "2026-03-16", "decision_valid_from": "2026-03-09", "decision_valid_to": "2027-03-08",
        "started_on": None, "content_digest": DIGEST}]})

    id: UUID
    state: OrderState
    sent_at: datetime
    opened_at: datetime | None
    recalled_at: datetime | None
    person_id: UUID | None = None
    intervention: str | None = None
    details: str | None = None
    wanted_start: date | None = None
    decision_valid_from: date | None = None
    decision_valid_to: date | None = None
    started_on: date | None = None
    content_digest: str | None = None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> "ProviderOrderOut":
        out = cls(id=row["id"], state=row["state"], sent_at=row["sent_at"], opened_at=row["opened_at"],
                  recalled_at=row["recalled_at"])
        if details_visible_to_provider(OrderState(row["state"])):
            out = out.model_copy(update=dict(
                person_id=row["person_id"], intervention=row["intervention"], details=row["details"],
                wanted_start=row["wanted_start"], decision_valid_from=row["valid_from"],
                decision_valid_to=row["valid_to"], started_on=row["started_on"],
                content_digest=row["content_digest"]))
        return out


class InboxItem(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": ORDER_ID, "state": "sent", "opened": False, "sent_at": "2026-03-09T10:05:42Z", "opened_at": None,
        "recalled_at": None, "intervention": "home_help", "wanted_start": "2026-03-16"}]})

    id: UUID
    state: OrderState
    opened: bool
    sent_at: datetime
    opened_at: datetime | None
    recalled_at: datetime | None
    intervention: str | None = None
    wanted_start: date | None = None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> "InboxItem":
        item = cls(**{k: row[k] for k in ("id", "state", "opened", "sent_at", "opened_at", "recalled_at")})
        if details_visible_to_provider(OrderState(row["state"])):
            item = item.model_copy(update={"intervention": row["intervention"], "wanted_start": row["wanted_start"]})
        return item


class DeliveryOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "01960f3d-8e7c-7b6a-9d5e-4f3a2b1c0d9e", "order_id": ORDER_ID, "delivered_on": "2026-03-17",
        "measure": "minutes", "quantity": 75, "reported_by": "utforare-norr-1",
        "reported_at": "2026-03-17T16:45:00Z"}]})

    id: UUID
    order_id: UUID
    delivered_on: date
    measure: Literal["minutes", "units"]
    quantity: int
    reported_by: str
    reported_at: datetime

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> "DeliveryOut":
        return cls(**{k: row[k] for k in cls.model_fields})
