"""What notify's routes answer: the delivery log's entries and in-app notifications."""
from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

ChannelName = Literal["email", "webhook", "in_app"]
StatusName = Literal["pending", "delivered", "failed"]


class DeliveryOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "0b6f3c1e-5d7a-4f2b-9c8e-2a1d4e6f8b90", "event_id": "6a1e2f3b-7c4d-4e5f-8a9b-0c1d2e3f4a5b",
        "event_type": "order.sent", "template": "order_sent", "channel": "email",
        "recipient": "order@norr.example.se", "order_id": "01960a8c-3b2d-7e4f-9a1b-2c3d4e5f6a7b",
        "provider_id": "01958e21-4c3b-7d2a-8e1f-0a9b8c7d6e5f", "status": "failed", "attempts": 5,
        "next_attempt_at": None, "last_error": "SMTP 550: mailbox unavailable",
        "created_at": "2026-03-09T10:05:43Z", "delivered_at": None, "failed_at": "2026-03-09T10:53:20Z"}]})

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
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [{
        "id": "c4e1a7d2-8b3f-4e6a-9d1c-5f2b7a8e3c90", "template": "watch_raised",
        "title": "Bevakning: obekräftad beställning",
        "text": "En bevakning har löpt ut och behöver åtgärdas: obekräftad beställning.\n"
                "http://127.0.0.1:8003/orders/01960a8c-3b2d-7e4f-9a1b-2c3d4e5f6a7b",
        "link": "http://127.0.0.1:8003/orders/01960a8c-3b2d-7e4f-9a1b-2c3d4e5f6a7b",
        "order_id": "01960a8c-3b2d-7e4f-9a1b-2c3d4e5f6a7b", "created_at": "2026-03-11T10:05:45Z",
        "read": True, "read_at": "2026-03-11T12:02:10Z"}]})

    id: UUID
    template: str
    title: str
    text: str
    link: str | None
    order_id: UUID | None
    created_at: datetime
    read: bool
    read_at: datetime | None
