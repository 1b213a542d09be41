"""In-app notifications (aviseringar i Omsorg) and who may read them.

A notification is addressed to a user (`user:<sub>`) or to a unit's supervisors
(`supervisors:<unit>`); each reader marks it read on their own.
"""
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.notify.domain.plan import supervisors, user


@dataclass(frozen=True)
class Notification:
    id: UUID
    recipient: str
    template: str
    title: str
    text: str
    link: str | None
    order_id: UUID | None
    created_at: datetime
    read_at: datetime | None = None   # when this reader read it

    @property
    def read(self) -> bool:
        return self.read_at is not None


def reader_addresses(sub: str, supervised_unit: str | None = None) -> list[str]:
    """The addresses a user reads: their own, and the unit's supervisors' when they supervise it."""
    addresses = [user(sub)]
    if supervised_unit:
        addresses.append(supervisors(supervised_unit))
    return addresses


def readable_by(notification: Notification, addresses: list[str]) -> bool:
    """Someone else's notification is as good as missing: its existence is not theirs to know."""
    return notification.recipient in addresses
