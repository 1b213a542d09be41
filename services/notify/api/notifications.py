"""In-app notifications (aviseringar), for caseworkers and supervisors."""
from uuid import UUID

from services.notify.api.models import NotificationOut
from services.notify.usecases import notifications
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.openapi import service_router
from shared.pagination import Page

router = service_router(tags=["notifications"])


@router.get("/notifications", response_model=Page[NotificationOut],
            summary="Your in-app notifications (aviseringar), newest first")
async def list_notifications(uow: UnitOfWorkDep, page: PageDep, unread: bool = False,
                             who: Grant = allow("notify:notification.read")) -> Page[NotificationOut]:
    """The caller's in-app notifications (expired watches, escalations), newest first; a
    supervisor also sees those addressed to their unit's supervisors. `unread=true` leaves out
    those already read. For caseworkers and supervisors (403 for other roles)."""
    found, next_cursor = await notifications.list_notifications(uow, who, unread_only=unread, limit=page.limit,
                                                                cursor=page.cursor)
    return Page[NotificationOut](items=[NotificationOut.model_validate(n) for n in found], next_cursor=next_cursor)


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut,
             summary="Mark one of your notifications read")
async def mark_read(notification_id: UUID, uow: UnitOfWorkDep,
                    who: Grant = allow("notify:notification.mark_read")) -> NotificationOut:
    """Marks the notification read by the caller and answers it with `read_at`. Marking it again
    changes nothing. 404 `notification_not_found` when it does not exist or is not addressed to
    the caller (or, for a supervisor, to their unit's supervisors)."""
    return NotificationOut.model_validate(await notifications.mark_read(uow, who, notification_id))
