"""Helpers for the watch's tests: upstream events published straight to Kafka, the clock moved
through POST /admin/clock, lists read through the API."""
import uuid
from datetime import date, datetime

import httpx
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel
from uuid_utils.compat import uuid7

from services.watch.domain.rules import configure
from services.watch.domain.watches import order_timers
from shared.events import Envelope, to_kafka, type_of
from shared.events.catalog import OrderConfirmed, OrderSent
from shared.kafka import kafka_options
from tests import clock
from tests.stack import eventually, read_topic

SOURCES = {"orders.events": "omsorg/orders", "registry.events": "omsorg/registry",
           "journal.events": "omsorg/journal", "notify.events": "omsorg/notify"}


class Upstream:
    """Publishes other services' events as they would, keyed by their aggregate id."""

    def __init__(self, env):
        self.env = env
        self.producer = AIOKafkaProducer(**kafka_options(env.settings), linger_ms=5)

    async def __aenter__(self) -> "Upstream":
        await self.producer.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.producer.stop()

    async def send(self, data: BaseModel, key, *, wait: bool = True) -> None:
        entry = type_of(data)
        headers, body = to_kafka(Envelope(id=uuid7(), source=SOURCES[entry.topic], type=entry.name,
                                          time=clock.now(), data=data.model_dump(mode="json")))
        send = self.producer.send_and_wait if wait else self.producer.send
        await send(self.env.topic(entry.topic), value=body, key=str(key).encode(), headers=headers)

    async def flush(self) -> None:
        await self.producer.flush()


def order_sent(*, sent_at: datetime, caseworker: str = "anna", unit: str = "vuxen",
               order_id: uuid.UUID | None = None) -> OrderSent:
    return OrderSent(order_id=order_id or uuid.uuid4(), case_id=uuid.uuid4(), decision_id=uuid.uuid4(),
                     provider_id=uuid.uuid4(), provider_email="bestallning@omsorgen.example",
                     provider_webhook_url=None, caseworker=caseworker, unit=unit, intervention="hemtjänst",
                     wanted_start=date(2027, 1, 1), sent_at=sent_at)


def fire_times(sent: OrderSent) -> dict[str, datetime]:
    """When the watch's rules fire for a sent order (reminder, escalation), by the domain's own
    calendar: on a Thursday they come two and five business days later, on julafton much later."""
    return {timer.rule: timer.fire_at for timer in order_timers(configure(), sent.sent_at)}


def order_confirmed(sent: OrderSent, at: datetime) -> OrderConfirmed:
    return OrderConfirmed(order_id=sent.order_id, case_id=sent.case_id, provider_id=sent.provider_id,
                          caseworker=sent.caseworker, confirmed_by="utforare", confirmed_at=at)


async def move_clock(env, proc, moment: datetime) -> dict:
    async with httpx.AsyncClient(base_url=proc.url, timeout=300) as client:
        response = await client.post("/admin/clock", json={"now": moment.isoformat()},
                                     headers=env.auth("service", sub="test-clock"))
    assert response.status_code == 200, response.text
    return response.json()


async def watch_list(env, proc, *, role: str = "caseworker", sub: str = "anna", unit: str = "vuxen",
                     params: dict | None = None) -> dict:
    """The list as `sub` (a `role` in `unit`) sees it, with query `params`."""
    async with httpx.AsyncClient(base_url=proc.url, timeout=60) as client:
        response = await client.get("/watches", params=params, headers=env.auth(role, sub=sub, unit=unit))
    assert response.status_code == 200, response.text
    return response.json()


async def fetch(env, sql: str, *args):
    conn = await env.db()
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def armed(env, subject_id, count: int = 1) -> bool:
    """Wait until the watch has armed `count` timers for the subject."""
    async def enough():
        rows = await fetch(env, "SELECT count(*) AS n FROM watch.timers WHERE subject_id = $1", subject_id)
        return rows[0]["n"] >= count
    return await eventually(enough, timeout=60)


async def watch_events(env, *, at_least: int = 0, timeout: float = 30) -> list[tuple[str, dict]]:
    import json
    records = await read_topic(env.kafka_bootstrap, env.topic("watch.events"), at_least=at_least, timeout=timeout)
    return [(dict(r.headers)["ce_type"].decode(), json.loads(r.value)) for r in records]
