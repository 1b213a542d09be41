"""What notify's routes answer: the delivery log's entries and in-app notifications."""
from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

ChannelName = Literal["email", "webhook", "in_app"]
StatusName = Literal["pending", "delivered", "failed"]


class DeliveryOut(BaseModel):
    id: UUID
    event_id: UUID
    event_type: str
    template: str
    channel: ChannelName
    recipient: str
    order_id: UUID | None
    provider_id: UUID | None
    status: StatusName
    attempts: int
    next_attempt_at: datetime | None = Field(description="When a pending delivery is tried next")
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    failed_at: datetime | None

    @classmethod
    def of(cls, row) -> "DeliveryOut":
        fields = {name: row[name] for name in cls.model_fields}
        if row["status"] != "pending":
            fields["next_attempt_at"] = None
        return cls(**fields)


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    template: str
    title: str
    text: str
    link: str | None
    order_id: UUID | None
    created_at: datetime
    read: bool
    read_at: datetime | None
