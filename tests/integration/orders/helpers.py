"""Helpers for the orders tests: one orders process on a fresh database and topic prefix,
registry events published straight to Kafka, providers and orders made through the API."""
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from demo.flow import organisation_number  # noqa: F401  (the one generator; tests import it from here)
from shared.events import Envelope, to_kafka
from shared.kafka import kafka_options
from tests import clock
from tests.stack import TestEnv, create_env, drop_env, eventually, read_topic


def _mailbox(name: str) -> str:
    """A provider's name as the ASCII part of an address before the @ (å, ä, ö written a, a, o)."""
    plain = name.lower().translate(str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", " ": "."}))
    return "".join(c for c in plain if c.isascii() and (c.isalnum() or c in "._-"))


def today() -> date:
    return clock.today()


@dataclass
class Orders:
    env: TestEnv
    url: str
    producer: AIOKafkaProducer | None = None
    clients: list[httpx.AsyncClient] = field(default_factory=list)

    def client(self, role: str = "caseworker", sub: str = "anna", **claims) -> httpx.AsyncClient:
        if role == "caseworker" and "unit" not in claims:
            claims["unit"] = "vuxen"
        c = httpx.AsyncClient(base_url=self.url, headers=self.env.auth(role, sub, **claims), timeout=20)
        self.clients.append(c)
        return c

    def provider_client(self, provider: dict, sub: str = "utforare") -> httpx.AsyncClient:
        return self.client("provider_user", sub, provider_id=provider["id"])

    async def close(self) -> None:
        for c in self.clients:
            await c.aclose()
        if self.producer:
            await self.producer.stop()

    # Registry events, published as the registry would.

    async def publish(self, type_: str, data: dict, key: str) -> None:
        if self.producer is None:
            self.producer = AIOKafkaProducer(**kafka_options(self.env.settings))
            await self.producer.start()
        headers, body = to_kafka(Envelope(id=uuid.uuid4(), source="omsorg/registry", type=type_,
                                          time=clock.now(), data=data))
        await self.producer.send_and_wait(self.env.topic("registry.events"), value=body, key=key.encode(),
                                          headers=headers)

    async def _wait_row(self, sql: str, *args) -> None:
        async def seen():
            conn = await self.env.db()
            try:
                return await conn.fetchval(sql, *args)
            finally:
                await conn.close()
        assert await eventually(seen), f"orders never saw: {sql} {args}"

    async def open_case(self, unit: str = "vuxen", person_id: str | None = None) -> str:
        case_id = str(uuid.uuid4())
        await self.publish("case.opened", {"case_id": case_id, "unit": unit, "kind": "SoL",
                                           "person_id": person_id or str(uuid.uuid4()),
                                           "opened_on": (today() - timedelta(days=60)).isoformat()}, case_id)
        await self._wait_row("SELECT true FROM orders.cases WHERE case_id = $1::uuid", case_id)
        return case_id

    async def close_case(self, case_id: str, closed_on: date | None = None, wait: bool = True) -> None:
        await self.publish("case.closed", {"case_id": case_id, "reason": "avslutat",
                                           "closed_on": (closed_on or today()).isoformat(),
                                           "closed_at": clock.now().isoformat()}, case_id)
        if not wait:
            return
        await self._wait_row("SELECT true FROM orders.cases WHERE case_id = $1::uuid AND status = 'closed'", case_id)

    async def decide(self, case_id: str, *, intervention: str = "home_help", unit: str = "vuxen",
                     valid_from: date | None = None, valid_to: date | None = None, open_ended: bool = False,
                     outcome: str = "granted", person_id: str | None = None) -> str:
        decision_id = str(uuid.uuid4())
        valid_from = valid_from or today() - timedelta(days=30)
        valid_to = None if open_ended else (valid_to or today() + timedelta(days=365))
        await self.publish("decision.made", {
            "case_id": case_id, "decision_id": decision_id, "unit": unit, "person_id": person_id or str(uuid.uuid4()),
            "intervention": intervention, "outcome": outcome, "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat() if valid_to else None,
            "follow_up_on": (today() + timedelta(days=180)).isoformat(),
            "decided_on": (today() - timedelta(days=31)).isoformat(), "decided_by": "anna"}, decision_id)
        await self._wait_row("SELECT true FROM orders.decisions WHERE decision_id = $1::uuid", decision_id)
        return decision_id

    async def case_with_decision(self, **kw) -> tuple[str, str]:
        case_id = await self.open_case(kw.get("unit", "vuxen"), kw.get("person_id"))
        return case_id, await self.decide(case_id, **kw)

    # Through the API.

    async def provider(self, name: str = "Omsorg AB", interventions=("home_help", "escort_service"),
                       webhook_url: str | None = None) -> dict:
        async with httpx.AsyncClient(base_url=self.url, headers=self.env.auth("object_specialist", "olle")) as c:
            response = await c.post("/providers", json={
                "name": name, "organisation_number": organisation_number(),
                "email": f"{_mailbox(name)}@example.se", "webhook_url": webhook_url,
                "interventions": list(interventions)})
        assert response.status_code == 201, response.text
        return response.json()

    async def draft(self, case_id: str, decision_id: str, provider: dict, *, client=None,
                    intervention: str = "home_help", wanted_start: date | None = None,
                    details: str = "Hjälp med inköp och städning, två gånger i veckan.") -> httpx.Response:
        client = client or self.client()
        return await client.post("/orders", json={
            "case_id": case_id, "decision_id": decision_id, "provider_id": provider["id"],
            "intervention": intervention, "details": details,
            "wanted_start": (wanted_start or today()).isoformat()})

    async def sent_order(self, provider: dict, **kw) -> dict:
        case_id, decision_id = await self.case_with_decision(**kw)
        created = await self.draft(case_id, decision_id, provider, intervention=kw.get("intervention", "home_help"))
        assert created.status_code == 201, created.text
        sent = await self.client().post(f"/orders/{created.json()['id']}/send")
        assert sent.status_code == 200, sent.text
        return sent.json()

    async def confirmed_order(self, provider: dict, **kw) -> dict:
        order = await self.sent_order(provider, **kw)
        p = self.provider_client(provider)
        opened = await p.get(f"/provider/orders/{order['id']}")
        assert opened.status_code == 200, opened.text
        confirmed = await p.post(f"/provider/orders/{order['id']}/confirm", headers={"If-Match": opened.headers["ETag"]})
        assert confirmed.status_code == 200, confirmed.text
        return {**order, "etag": confirmed.headers["ETag"]}

    async def started_order(self, provider: dict, started_on: date | None = None, **kw) -> dict:
        order = await self.confirmed_order(provider, **kw)
        started = await self.provider_client(provider).post(
            f"/provider/orders/{order['id']}/start", headers={"If-Match": order["etag"]},
            json={"started_on": (started_on or today() - timedelta(days=10)).isoformat()})
        assert started.status_code == 200, started.text
        return {**order, "etag": started.headers["ETag"]}

    async def events(self, type_: str, *, at_least: int = 0, topic: str = "orders.events") -> list[dict]:
        """Data of every event of `type_` on the topic, with `_key` added."""
        import json
        records = await read_topic(self.env.kafka_bootstrap, self.env.topic(topic), at_least=at_least, timeout=10)
        found = []
        for r in records:
            headers = dict(r.headers)
            if headers.get("ce_type") == type_.encode():
                found.append({**json.loads(r.value), "_key": r.key.decode()})
        return found

    async def wait_event(self, type_: str, order_id: str, **match) -> dict:
        async def find():
            for e in await self.events(type_):
                if e["order_id"] == order_id and all(e.get(k) == v for k, v in match.items()):
                    return e
            return None
        event = await eventually(find, timeout=20)
        assert event, f"no {type_} for order {order_id}"
        return event


def assert_problem(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json", response.headers
    body = response.json()
    assert body["code"] == code, body
    return body


@pytest.fixture(scope="module")
async def orders(tmp_path_factory):
    """One orders process per test module, on its own database and topics."""
    env = await create_env(tmp_path_factory.mktemp("orders"))
    proc = env.start("orders")
    service = Orders(env, proc.url)
    try:
        await proc.wait_ready()
        yield service
    finally:
        await service.close()
        await drop_env(env)
