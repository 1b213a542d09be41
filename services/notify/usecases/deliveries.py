"""The delivery log: what support reads of it, and what the sender records in it after each attempt.

A delivery is sent outside any transaction (workers/sender.py); its outcome is recorded
afterwards in a unit of work of its own, with the event that tells of it.
"""
import logging
from uuid import UUID

import asyncpg

from services.notify.domain.deliveries import Channel, Status, after_failure, backoff, recipient_as_logged
from services.notify.store import deliveries as store
from services.notify.store import notifications
from shared.access import Grant
from shared.events.catalog import NotificationDelivered, NotificationFailed
from shared.metrics import DELIVERIES
from shared.pagination import decode_cursor, page_of
from shared.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


async def list_deliveries(uow: UnitOfWork, user: Grant, *, order_id: UUID | None = None,
                          recipient: str | None = None, status: str | None = None, channel: str | None = None,
                          limit: int, cursor: str | None = None) -> tuple[list[asyncpg.Record], str | None]:
    """One page of the log, newest first, and the cursor of the next page (None on the last)."""
    after = decode_cursor(cursor, UUID)
    if recipient is not None:
        recipient = recipient_as_logged(recipient, channel)
    async with uow:
        rows = await store.search(uow.conn, order_id=order_id, recipient=recipient, status=status, channel=channel,
                                  limit=limit + 1, older_than=after[0] if after else None)
    return page_of(rows, limit, lambda row: (row["id"],))


async def record_delivered(uow: UnitOfWork, rows: list[asyncpg.Record]) -> None:
    """Sent deliveries are delivered: an in-app one becomes a notification, and each tells of it
    with `notification.delivered`, in the trace of the event that queued it. A delivery that is
    no longer pending (another replica recorded it) is left as it is."""
    # If the process dies before this commits, these rows come due again when their lease
    # runs out and are sent once more: at worst a duplicate, never a loss.
    async with uow:
        now = uow.now()
        marked = set(await store.mark_delivered(uow.conn, [r["id"] for r in rows], now))
        delivered = [row for row in rows if row["id"] in marked]
        await notifications.insert(uow.conn, [row for row in delivered if row["channel"] == Channel.IN_APP], now)
        for row in delivered:  # each event continues its delivery's trace; all in one statement
            uow.publish(NotificationDelivered(**_facts(row), attempts=row["attempts"] + 1, delivered_at=now),
                        key=_key(row), subject=f"delivery/{row['id']}", trace=store.trace_of(row))
    for row in delivered:
        DELIVERIES.add(1, {"channel": Channel(row["channel"]).value, "outcome": "delivered"})


async def record_failure(uow: UnitOfWork, row: asyncpg.Record, error: str, *, final: bool = False) -> bool:
    """An attempt failed: try again after a backoff, or, after the last attempt (or at once when
    `final`: no retry can help), the delivery has failed and `notification.failed` tells of it.
    True when it failed for good now, so that the caller writes its dead-letter record."""
    settings = uow.settings
    attempts = row["attempts"] + 1
    status = Status.FAILED if final else after_failure(attempts, settings.notify_max_attempts)
    now = uow.now()
    if status is Status.PENDING:
        log.warning("delivery %s (%s) failed, attempt %d: %s", row["id"], row["channel"], attempts, error)
        async with uow:
            await store.mark_retry(uow.conn, row["id"], attempts,
                                   now + backoff(attempts, settings.notify_retry_backoff_seconds), error)
        DELIVERIES.add(1, {"channel": Channel(row["channel"]).value, "outcome": "retry"})
        return False
    log.error("delivery %s (%s) failed for good after %d attempts: %s", row["id"], row["channel"], attempts, error)
    async with uow:
        if not await store.mark_failed(uow.conn, row["id"], attempts, now, error):
            return False
        uow.publish(NotificationFailed(**_facts(row), attempts=attempts, error=error, failed_at=now),
                    key=_key(row), subject=f"delivery/{row['id']}")
    DELIVERIES.add(1, {"channel": Channel(row["channel"]).value, "outcome": "failed"})
    return True


OUTCOMES = ("delivered", "retry", "failed")


def count_from_zero() -> None:
    """Every channel and outcome in /metrics from the start, at 0, so that the first failure
    is an increase Prometheus sees (a series first seen at 1 shows no increase)."""
    for channel in Channel:
        for outcome in OUTCOMES:
            DELIVERIES.add(0, {"channel": channel.value, "outcome": outcome})


def _facts(row: asyncpg.Record) -> dict:
    return dict(delivery_id=row["id"], cause_event_id=row["event_id"], cause_event_type=row["event_type"],
                template=row["template"], channel=row["channel"], recipient=row["recipient"],
                order_id=row["order_id"], provider_id=row["provider_id"])


def _key(row: asyncpg.Record) -> str:
    return str(row["order_id"] or row["id"])
