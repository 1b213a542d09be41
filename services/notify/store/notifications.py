"""SQL for in-app notifications (user:<sub> or supervisors:<unit>) and who has read them."""
from datetime import datetime
from uuid import UUID

import asyncpg
from uuid6 import uuid7


async def insert(conn: asyncpg.Connection, delivery: asyncpg.Record, at: datetime) -> None:
    content = delivery["content"]
    await conn.execute(
        "INSERT INTO notifications (id, delivery_id, recipient, template, title, text, link, order_id, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (delivery_id) DO NOTHING",
        uuid7(), delivery["id"], delivery["recipient"], delivery["template"], content["title"], content["text"],
        content.get("link"), delivery["order_id"], at,
    )


async def for_reader(conn: asyncpg.Connection, reader: str, addresses: list[str], *, unread_only: bool,
                     limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT n.*, r.read_at FROM notifications n"
        " LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.reader = $1"
        " WHERE n.recipient = ANY($2::text[]) AND (NOT $3 OR r.read_at IS NULL)"
        " ORDER BY n.created_at DESC, n.id DESC LIMIT $4",
        reader, addresses, unread_only, limit,
    )


async def get(conn: asyncpg.Connection, notification_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM notifications WHERE id = $1", notification_id)


async def mark_read(conn: asyncpg.Connection, notification_id: UUID, reader: str, at: datetime) -> datetime:
    await conn.execute(
        "INSERT INTO notification_reads (notification_id, reader, read_at) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING", notification_id, reader, at)
    return await conn.fetchval(
        "SELECT read_at FROM notification_reads WHERE notification_id = $1 AND reader = $2",
        notification_id, reader)
