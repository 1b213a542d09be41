"""Events on notify.events (aviseringar), keyed by the order id when there is one, else the delivery id."""
from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel

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


__all__ = ["NotificationDelivered", "NotificationFailed"]
