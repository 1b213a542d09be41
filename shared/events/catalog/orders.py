"""Events on orders.events (beställningar), keyed by order id, so one order's events arrive in order.

The one provider event is `provider.webhook_key_rotated` (a new webhook key version, no
secret). There is no `provider.registered` event: the provider's contact (e-mail, webhook) travels
in the order events that need it (`order.sent`, `order.recalled`). That is the contact in
force when the order left, which is the one a reminder or recall notice must reach; a
provider without orders needs no notification; and it keeps the contract to the event
types the event contract (docs/architecture.md) lists. Notify builds its read model of provider contacts from these.

A redirect (omdirigering) is `order.recalled` of the old order (with
`redirected_to_order_id`) followed by `order.sent` of the new one, keyed by the new
order's id and carrying `replaces_order_id`.
"""
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from shared.events.types import event_type


@event_type("order.sent", "orders.events")
class OrderSent(BaseModel):
    """En beställning har signerats och skickats till utföraren."""
    order_id: UUID
    case_id: UUID
    decision_id: UUID
    provider_id: UUID
    provider_email: str
    provider_webhook_url: str | None = None
    caseworker: str          # the sender (sub); watch raises its reminders for them
    unit: str
    intervention: str
    wanted_start: date
    sent_at: datetime
    replaces_order_id: UUID | None = None


@event_type("order.opened", "orders.events")
class OrderOpened(BaseModel):
    """Utföraren har öppnat (läst) beställningen."""
    order_id: UUID
    case_id: UUID
    provider_id: UUID
    caseworker: str
    opened_by: str
    opened_at: datetime


@event_type("order.confirmed", "orders.events")
class OrderConfirmed(BaseModel):
    """Utföraren har bekräftat beställningen; den kan inte längre återkallas."""
    order_id: UUID
    case_id: UUID
    provider_id: UUID
    caseworker: str
    confirmed_by: str
    confirmed_at: datetime


@event_type("order.rejected", "orders.events")
class OrderRejected(BaseModel):
    """Utföraren har avvisat beställningen."""
    order_id: UUID
    case_id: UUID
    provider_id: UUID
    caseworker: str
    unit: str
    rejected_by: str
    rejected_at: datetime


@event_type("order.recalled", "orders.events")
class OrderRecalled(BaseModel):
    """Beställningen har återkallats (före bekräftelse). `was_opened` false: utföraren såg den aldrig."""
    order_id: UUID
    case_id: UUID
    provider_id: UUID
    provider_email: str
    provider_webhook_url: str | None = None
    caseworker: str
    was_opened: bool
    recalled_by: str
    recalled_at: datetime
    redirected_to_order_id: UUID | None = None


@event_type("order.started", "orders.events")
class OrderStarted(BaseModel):
    """Insatsen har verkställts: utföraren har börjat (beslutet är verkställt)."""
    order_id: UUID
    case_id: UUID
    decision_id: UUID
    provider_id: UUID
    caseworker: str
    started_on: date
    started_by: str
    started_at: datetime


@event_type("delivery.reported", "orders.events")
class DeliveryReported(BaseModel):
    """Utföraren har återrapporterat utförd tid eller antal (återrapportering)."""
    delivery_id: UUID
    order_id: UUID
    case_id: UUID
    provider_id: UUID
    intervention: str
    delivered_on: date
    measure: Literal["minutes", "units"]
    quantity: int
    reported_by: str
    reported_at: datetime


@event_type("order.ended", "orders.events")
class OrderEnded(BaseModel):
    """Beställningen har avslutats eftersom ärendet avslutades; utföraren ska inte fortsätta."""
    order_id: UUID
    case_id: UUID
    provider_id: UUID
    caseworker: str | None = None
    was_opened: bool
    reason: Literal["case_closed"]
    ended_at: datetime


@event_type("delivery.voided", "orders.events")
class DeliveryVoided(BaseModel):
    """En återrapportering har makulerats: den kom efter att ärendet avslutades och blir ingen
    ersättning. Utföraren får veta varför."""
    delivery_id: UUID
    order_id: UUID
    case_id: UUID
    provider_id: UUID
    delivered_on: date
    measure: Literal["minutes", "units"]
    quantity: int
    reason: Literal["case_closed"]
    voided_at: datetime


@event_type("provider.webhook_key_rotated", "orders.events")
class ProviderWebhookKeyRotated(BaseModel):
    """Utföraren har fått en ny webhook-hemlighet. Carries only the key version, never the secret:
    notify derives the secret from it (shared/webhook_secret.py, docs/adr/0016). Keyed by provider id."""
    provider_id: UUID
    key_version: int
    rotated_by: str
    rotated_at: datetime


__all__ = ["DeliveryReported", "DeliveryVoided", "OrderConfirmed", "OrderEnded", "OrderOpened", "OrderRecalled",
           "OrderRejected", "OrdersCulled",
           "OrderSent", "OrderStarted", "ProviderWebhookKeyRotated"]


@event_type("orders.culled", "orders.events")
class OrdersCulled(BaseModel):
    """Beställningar har gallrat en persons beställningar med historik och återrapporterad tid, och
    sina uppgifter om personens ärenden och beslut: orders' confirmation of a culling
    (`person.culling_approved`). Keyed by the culling. Counts what went, never what it said."""
    culling_id: UUID
    service: Literal["orders"] = "orders"
    counts: dict[str, int] = Field(description="rows culled per kind: orders, history, deliveries, cases, decisions")
    culled_at: datetime
