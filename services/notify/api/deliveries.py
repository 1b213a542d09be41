"""The delivery log (leveranslogg), for support."""
from uuid import UUID

from fastapi import Query

from services.notify.api.models import ChannelName, DeliveryOut, StatusName
from services.notify.usecases import deliveries
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.openapi import service_router
from shared.pagination import Page

router = service_router(tags=["notifications"])


@router.get("/deliveries", response_model=Page[DeliveryOut], summary="The delivery log (leveranslogg), newest first")
async def list_deliveries(uow: UnitOfWorkDep, page: PageDep, order_id: UUID | None = None,
                          recipient: str | None = Query(None, max_length=2000),
                          status: StatusName | None = None, channel: ChannelName | None = None,
                          user: Grant = allow("notify:delivery.read")) -> Page[DeliveryOut]:
    """Every e-mail, webhook call and in-app notice notify has queued, newest first, with its
    status (pending, delivered, failed), attempts and last error: for support to answer "was the
    provider told?". Filter by order, recipient (an e-mail address matches in any case), status or
    channel. Support only (403 otherwise); 422 on an invalid filter or cursor."""
    rows, next_cursor = await deliveries.list_deliveries(
        uow, user, order_id=order_id, recipient=recipient, status=status, channel=channel,
        limit=page.limit, cursor=page.cursor)
    return Page[DeliveryOut](items=[DeliveryOut.of(r) for r in rows], next_cursor=next_cursor)
