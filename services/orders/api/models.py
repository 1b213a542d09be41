"""Request and response models of the orders API, shared by its routes."""
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field, model_validator

from services.orders.domain.orders import OrderState, details_visible_to_provider

Reason = Annotated[str, Field(min_length=1, max_length=2_000, pattern=r"\S")]
Intervention = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$",
                                    description="e.g. home_help (hemtjänst), escort_service (ledsagning)")]


class OrderIn(BaseModel):
    case_id: UUID
    decision_id: UUID
    provider_id: UUID
    intervention: Intervention
    details: str = Field(min_length=1, max_length=20_000, description="What the provider needs to know")
    wanted_start: date


class OrderChange(BaseModel):
    """A draft's provider, details or wanted start; what is left out stays."""
    provider_id: UUID | None = None
    details: str | None = Field(None, min_length=1, max_length=20_000)
    wanted_start: date | None = None

    @model_validator(mode="after")
    def _something(self) -> "OrderChange":
        if self.provider_id is None and self.details is None and self.wanted_start is None:
            raise ValueError("give at least one of provider_id, details, wanted_start")
        return self


class RecallIn(BaseModel):
    reason: Reason


class RedirectIn(BaseModel):
    provider_id: UUID = Field(description="The right provider")
    reason: Reason


class RejectIn(BaseModel):
    reason: Reason


class StartIn(BaseModel):
    started_on: date = Field(description="The day the intervention began (verkställighetsdatum)")


class DeliveryIn(BaseModel):
    """Delivered time or units on one day: exactly one of `minutes` and `units`."""
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
