"""What orders does when the registry closes a case (rule 4, decided by when things happened).

Orders learns of a close some milliseconds after it happened. What came in between is judged by
the moment of the close: a delivery report made after it is voided, kept with why, and the
provider is told (`delivery.voided`); every order of the case that was sent and is not yet at an
end is ended (`order.ended`), so nothing more can be reported on it. The case's orders are locked
first, so a report in flight either commits before (and is voided here) or finds the order ended.
"""
from services.orders.domain.orders import ENDED_BY_CASE_CLOSE, Action, OrderState, transition
from services.orders.store import deliveries as delivery_store
from services.orders.store import orders as store
from services.orders.store import read_models
from shared.events.catalog import CaseClosed, DeliveryVoided, OrderEnded
from shared.unit_of_work import UnitOfWork

CASE_CLOSED = "case_closed"


async def close_case(uow: UnitOfWork, data: CaseClosed) -> None:
    async with uow:
        conn, now = uow.conn, uow.now()
        closed_at = data.closed_at or now
        await read_models.close_case(conn, case_id=data.case_id, closed_on=data.closed_on, closed_at=closed_at)
        for row in await store.lock_of_case(conn, data.case_id, [s.value for s in ENDED_BY_CASE_CLOSE]):
            state = transition(OrderState(row["state"]), Action.END)
            await store.move(conn, row["id"], action=Action.END, from_state=row["state"], to_state=state,
                             actor="omsorg/registry", at=now, reason=CASE_CLOSED, ended_at=closed_at)
            uow.publish(OrderEnded(order_id=row["id"], case_id=data.case_id, provider_id=row["provider_id"],
                                   caseworker=row["sent_by"], was_opened=row["opened_at"] is not None,
                                   reason=CASE_CLOSED, ended_at=closed_at),
                        key=str(row["id"]), subject=f"order/{row['id']}")
        for voided in await delivery_store.void_reported_after(conn, data.case_id, closed_at, reason=CASE_CLOSED,
                                                               at=now):
            uow.publish(DeliveryVoided(delivery_id=voided["id"], order_id=voided["order_id"], case_id=data.case_id,
                                       provider_id=voided["provider_id"], delivered_on=voided["delivered_on"],
                                       measure=voided["measure"], quantity=voided["quantity"], reason=CASE_CLOSED,
                                       voided_at=now),
                        key=str(voided["order_id"]), subject=f"order/{voided['order_id']}")
