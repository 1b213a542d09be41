"""Events on notify.events (aviseringar), keyed by the order id when there is one, else the delivery id
(a culling's confirmation: by the culling id)."""
from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from shared.events.types import event_type

Channel = Literal["email", "webhook", "in_app"]


@event_type("notification.delivered", "notify.events")
class NotificationDelivered(BaseModel):
    """En avisering har levererats (e-post lämnad till SMTP-servern, webhook besvarad med 2xx)."""
    delivery_id: UUID
    cause_event_id: UUID
    cause_event_type: str
    template: str
    channel: Channel
    recipient: str
    order_id: UUID | None = None
    provider_id: UUID | None = None
    attempts: int
    delivered_at: datetime


@event_type("notification.failed", "notify.events")
class NotificationFailed(BaseModel):
    """En avisering kunde inte levereras efter alla försök; den syns som misslyckad i leveransloggen."""
    delivery_id: UUID
    cause_event_id: UUID
    cause_event_type: str
    template: str
    channel: Channel
    recipient: str
    order_id: UUID | None = None
    provider_id: UUID | None = None
    attempts: int
    error: str
    failed_at: datetime


__all__ = ["NotificationDelivered", "NotificationFailed", "NotificationsCulled"]


@event_type("notifications.culled", "notify.events")
class NotificationsCulled(BaseModel):
    """Aviseringen har gallrat leveranser och notiser om en persons beställningar och sina uppgifter
    om dem: notify's confirmation of a culling (`person.culling_approved`, by its case ids). Keyed by
    the culling. Counts what went, never what it said."""
    culling_id: UUID
    service: Literal["notify"] = "notify"
    counts: dict[str, int] = Field(description="rows culled per kind: deliveries, notifications, reads, orders")
    culled_at: datetime
