"""What a notification is (avisering) and how its delivery is retried.

A delivery is one notification to one recipient over one channel because of one event;
(event id, recipient, channel) is its key, so a redelivered event never sends twice.
"""
import json
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"
    IN_APP = "in_app"


class Status(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True)
class Delivery:
    event_id: UUID
    event_type: str
    template: str
    channel: Channel
    recipient: str             # an e-mail address, a webhook URL, or a user (sub) / unit's supervisors
    content: dict[str, Any]    # e-mail: subject and text; webhook: the JSON body; in-app: title and text
    order_id: UUID | None = None
    provider_id: UUID | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[UUID, str, Channel]:
        return dedup_key(self.event_id, self.recipient, self.channel)


def dedup_key(event_id: UUID, recipient: str, channel: Channel | str) -> tuple[UUID, str, Channel]:
    channel = Channel(channel)
    return event_id, normalize_recipient(recipient, channel), channel


def normalize_recipient(recipient: str, channel: Channel | str) -> str:
    # Addresses are case-insensitive in practice; one mailbox must not get two copies.
    recipient = recipient.strip()
    return recipient.lower() if Channel(channel) is Channel.EMAIL else recipient


def recipient_as_logged(recipient: str, channel: Channel | str | None = None) -> str:
    """A recipient as the delivery log keeps it (as the dedup key does: e-mail in lower case).
    Without a channel, an address with an @ is taken for e-mail, anything else for a webhook URL."""
    return normalize_recipient(recipient, channel or (Channel.EMAIL if "@" in recipient else Channel.WEBHOOK))


def backoff(attempts: int, base_seconds: float, cap_seconds: float = 600.0) -> timedelta:
    """Wait before the next attempt after `attempts` failed ones: base, 2×base, 4×base, ... capped."""
    if attempts < 1:
        raise ValueError("backoff is for after a failed attempt")
    return timedelta(seconds=min(base_seconds * 2 ** (attempts - 1), cap_seconds))


def after_failure(attempts: int, max_attempts: int) -> Status:
    """The status after the `attempts`-th failed attempt: try again, or give up."""
    return Status.FAILED if attempts >= max_attempts else Status.PENDING


def webhook_body(payload: dict[str, Any]) -> bytes:
    """The exact bytes that are signed and sent."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()


class UndeliverableAddress(ValueError):
    """An e-mail address no mail server can be given: sending it again cannot help."""


def smtp_address(address: str) -> str:
    """The address as SMTP takes it: the domain in its ASCII (IDNA) form. An address with a
    non-ASCII part before the @, or none at all, is undeliverable (a final failure, not a retry)."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain:
        raise UndeliverableAddress(f"not an e-mail address: {address!r}")
    if not local.isascii():
        raise UndeliverableAddress("the part before @ is not ASCII; the mail server may not take it")
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError as exc:
        raise UndeliverableAddress(f"the domain {domain!r} cannot be written in ASCII: {exc}") from None
