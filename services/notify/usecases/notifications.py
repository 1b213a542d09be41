"""In-app notifications: a user's own (and, for a supervisor, their unit's), and marking one read."""
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from services.notify.domain.notifications import Notification, readable_by, reader_addresses
from services.notify.store import notifications as store
from shared import errors
from shared.access import Grant
from shared.pagination import decode_cursor, page_of
from shared.unit_of_work import UnitOfWork


def _addresses(who: Grant) -> list[str]:
    """A user's own address; with the unit in scope, also the unit's supervisors' address."""
    return reader_addresses(who.sub, who.unit if who.scope == "own_unit" else None)


async def list_notifications(uow: UnitOfWork, who: Grant, *, unread_only: bool = False, limit: int,
                             cursor: str | None = None) -> tuple[list[Notification], str | None]:
    """One page of the reader's notifications, newest first, and the cursor of the next page."""
    after = decode_cursor(cursor, datetime, UUID)
    async with uow:
        found = await store.for_reader(uow.conn, who.sub, _addresses(who), unread_only=unread_only,
                                       limit=limit + 1, older_than=after)
    return page_of(found, limit, lambda n: (n.created_at, n.id))


async def mark_read(uow: UnitOfWork, who: Grant, notification_id: UUID) -> Notification:
    """The notification, read by this reader (when they first read it); 404 if it is not theirs."""
    async with uow:
        notification = await store.get(uow.conn, notification_id)
        if notification is None or not readable_by(notification, _addresses(who)):
            raise errors.not_found("notification_not_found", "No such notification", str(notification_id))
        read_at = await store.mark_read(uow.conn, notification_id, who.sub, uow.now())
    return replace(notification, read_at=read_at)
