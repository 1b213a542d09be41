"""The delivery log (support) and in-app notifications (caseworkers and supervisors)."""
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.notify.domain.deliveries import normalize_recipient
from services.notify.domain.plan import supervisors, user
from services.notify.store import deliveries as store
from services.notify.store import notifications as notification_store
from shared import errors
from shared.access import Grant
from shared.access.routes import allow
from shared.service import ClockDep, Pool

router = APIRouter(tags=["notifications"])
DEFAULT_PAGE, MAX_PAGE = 50, 200
MAX_NOTIFICATIONS = 100


class DeliveryOut(BaseModel):
    id: UUID
    event_id: UUID
    event_type: str
    template: str
    channel: Literal["email", "webhook", "in_app"]
    recipient: str
    order_id: UUID | None
    provider_id: UUID | None
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: datetime | None = Field(description="When a pending delivery is tried next")
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    failed_at: datetime | None


class DeliveryPage(BaseModel):
    deliveries: list[DeliveryOut]
    next_before: UUID | None = Field(description="Pass as `before` for the next page; null on the last")


class NotificationOut(BaseModel):
    id: UUID
    template: str
    title: str
    text: str
    link: str | None
    order_id: UUID | None
    created_at: datetime
    read: bool
    read_at: datetime | None


@router.get("/deliveries", response_model=DeliveryPage, summary="The delivery log (leveranslogg), newest first")
async def list_deliveries(pool: Pool, order_id: UUID | None = None,
                          recipient: str | None = Query(None, max_length=2000),
                          status: Literal["pending", "delivered", "failed"] | None = None,
                          channel: Literal["email", "webhook", "in_app"] | None = None,
                          before: UUID | None = None, limit: int = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE),
                          user_: Grant = allow("notify:delivery.read")) -> DeliveryPage:
    if recipient is not None:
        # The log keeps addresses as the dedup key does (e-mail in lower case).
        recipient = normalize_recipient(recipient, channel or ("email" if "@" in recipient else "webhook"))
    async with pool.acquire() as conn:
        rows = await store.search(conn, order_id=order_id, recipient=recipient, status=status, channel=channel,
                                  limit=limit + 1, before=before)
    page = [_delivery(r) for r in rows[:limit]]
    return DeliveryPage(deliveries=page, next_before=page[-1].id if len(rows) > limit else None)


def _delivery(row) -> DeliveryOut:
    fields: dict[str, Any] = {k: row[k] for k in DeliveryOut.model_fields}
    if row["status"] != "pending":
        fields["next_attempt_at"] = None
    return DeliveryOut(**fields)


def _addresses(who: Grant) -> list[str]:
    """A user's own address; with the unit in scope, also the unit's supervisors' address."""
    addresses = [user(who.sub)]
    if who.scope == "own_unit" and who.unit:
        addresses.append(supervisors(who.unit))
    return addresses


@router.get("/notifications", response_model=list[NotificationOut],
            summary="Your in-app notifications (aviseringar), newest first")
async def list_notifications(pool: Pool, unread: bool = False,
                             limit: int = Query(DEFAULT_PAGE, ge=1, le=MAX_NOTIFICATIONS),
                             who: Grant = allow("notify:notification.read")) -> list[NotificationOut]:
    async with pool.acquire() as conn:
        rows = await notification_store.for_reader(conn, who.sub, _addresses(who), unread_only=unread, limit=limit)
    return [_notification(r, r["read_at"]) for r in rows]


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut,
             summary="Mark one of your notifications read")
async def mark_read(notification_id: UUID, pool: Pool, clock: ClockDep,
                    who: Grant = allow("notify:notification.mark_read")) -> NotificationOut:
    async with pool.acquire() as conn, conn.transaction():
        row = await notification_store.get(conn, notification_id)
        # Someone else's notification is as good as missing: its existence is not ours to know.
        if row is None or row["recipient"] not in _addresses(who):
            raise errors.not_found("notification_not_found", "No such notification", str(notification_id))
        read_at = await notification_store.mark_read(conn, notification_id, who.sub, clock.now())
    return _notification(row, read_at)


def _notification(row, read_at) -> NotificationOut:
    return NotificationOut(id=row["id"], template=row["template"], title=row["title"], text=row["text"],
                           link=row["link"], order_id=row["order_id"], created_at=row["created_at"],
                           read=read_at is not None, read_at=read_at)
