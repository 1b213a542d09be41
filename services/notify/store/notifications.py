"""SQL for in-app notifications (user:<sub> or supervisors:<unit>) and who has read them."""
from datetime import datetime
from uuid import UUID

import asyncpg
from uuid_utils.compat import uuid7

from services.notify.domain.notifications import Notification


async def insert(conn: asyncpg.Connection, deliveries: list[asyncpg.Record], at: datetime) -> None:
    """In-app deliveries become notifications, in one statement; one already made is left as it is."""
    if not deliveries:
        return
    await conn.execute(
        "INSERT INTO notifications (id, delivery_id, recipient, template, title, text, link, order_id, created_at)"
        " SELECT *, $9 FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],"
        " $7::text[], $8::uuid[]) ON CONFLICT (delivery_id) DO NOTHING",
        [uuid7() for _ in deliveries], [d["id"] for d in deliveries], [d["recipient"] for d in deliveries],
        [d["template"] for d in deliveries], [d["content"]["title"] for d in deliveries],
        [d["content"]["text"] for d in deliveries], [d["content"].get("link") for d in deliveries],
        [d["order_id"] for d in deliveries], at,
    )


async def for_reader(conn: asyncpg.Connection, reader: str, addresses: list[str], *, unread_only: bool,
                     limit: int, older_than: tuple[datetime, UUID] | None = None) -> list[Notification]:
    """Newest first: up to `limit` notifications to the addresses, older than the (created_at, id)
    `older_than`, with when `reader` read each."""
    created_at, id_ = older_than or (None, None)
    return [_notification(r) for r in await conn.fetch(
        "SELECT n.*, r.read_at FROM notifications n"
        " LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.reader = $1"
        " WHERE n.recipient = ANY($2::text[]) AND (NOT $3 OR r.read_at IS NULL)"
        " AND ($5::timestamptz IS NULL OR (n.created_at, n.id) < ($5, $6::uuid))"
        " ORDER BY n.created_at DESC, n.id DESC LIMIT $4",
        reader, addresses, unread_only, limit, created_at, id_,
    )]


async def get(conn: asyncpg.Connection, notification_id: UUID) -> Notification | None:
    row = await conn.fetchrow("SELECT * FROM notifications WHERE id = $1", notification_id)
    return None if row is None else _notification(row)


async def mark_read(conn: asyncpg.Connection, notification_id: UUID, reader: str, at: datetime) -> datetime:
    """Marks the notification read by `reader` (once); returns when they first read it."""
    await conn.execute(
        "INSERT INTO notification_reads (notification_id, reader, read_at) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING", notification_id, reader, at)
    return await conn.fetchval(
        "SELECT read_at FROM notification_reads WHERE notification_id = $1 AND reader = $2",
        notification_id, reader)


def _notification(row: asyncpg.Record) -> Notification:
    return Notification(id=row["id"], recipient=row["recipient"], template=row["template"], title=row["title"],
                        text=row["text"], link=row["link"], order_id=row["order_id"], created_at=row["created_at"],
                        read_at=row.get("read_at"))
