"""Provider webhooks cannot be aimed inside the network (OWASP API7, server-side request forgery):
with private webhooks not allowed (as in production), orders refuses to register a webhook URL
that reaches a non-public address (422 `webhook_url_not_allowed`), and notify, checking again
right before sending, turns a delivery to such a URL into a failed delivery without a request."""
import json
import uuid

import httpx
import pytest

from tests.integration.orders.helpers import organisation_number
from tests.integration.notify.helpers import MailCatcher, WebhookReceiver, envelope, notify_env, order_sent, publish, wait_for
from tests.stack import create_env, drop_env, eventually, read_topic

STRICT = {"OMSORG_ALLOW_PRIVATE_WEBHOOKS": "false"}


async def _register(client: httpx.AsyncClient, webhook_url: str | None) -> httpx.Response:
    return await client.post("/providers", json={
        "name": "Hemtjänst AB", "organisation_number": organisation_number(), "email": "order@hemtjanst.example",
        "webhook_url": webhook_url, "interventions": ["home_help"]})


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8001/admin", "http://localhost/hook", "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.7/hook", "http://[::1]/hook", "http://[::ffff:7f00:1]/hook", "http://2130706433/hook",
    "http://[fd00::1]/hook",
])
async def test_registering_a_webhook_to_a_non_public_address_is_422(url, orders_strict):
    response = await _register(orders_strict, url)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "webhook_url_not_allowed"


async def test_a_public_webhook_address_is_accepted(orders_strict):
    response = await _register(orders_strict, "https://93.184.215.14/omsorg/hook")
    assert response.status_code == 201, response.text


@pytest.fixture(scope="module")
async def orders_strict(tmp_path_factory):
    env = await create_env(tmp_path_factory.mktemp("orders-strict"))
    proc = env.start("orders", **STRICT)
    try:
        await proc.wait_ready()
        async with httpx.AsyncClient(base_url=proc.url, headers=env.auth("object_specialist", "olle"),
                                     timeout=30) as client:
            yield client
    finally:
        await drop_env(env)


async def test_notify_refuses_a_non_public_webhook_before_sending(env):
    catcher, receiver = MailCatcher().start(), WebhookReceiver().start()
    try:
        proc = env.start("notify", **notify_env(catcher.port, **STRICT))
        await proc.wait_ready()
        order, provider = uuid.uuid4(), uuid.uuid4()
        # Registered when it was allowed (or resolving elsewhere): notify checks again.
        await publish(env, "orders.events", str(order),
                      envelope("order.sent", order_sent(order, provider, "hook@utforare.example", receiver.url)))

        async def webhook_failed():
            async with httpx.AsyncClient() as client:
                r = await client.get(f"{proc.url}/deliveries", params={"order_id": str(order), "channel": "webhook"},
                                     headers=env.auth("support", "sven"))
            rows = r.json()["items"]
            return rows if rows and rows[0]["status"] == "failed" else None
        rows = await eventually(webhook_failed, timeout=30)
        assert rows, proc.log_tail()
        assert rows[0]["attempts"] == 1 and rows[0]["last_error"].startswith("webhook_url_not_allowed")
        # The e-mail still goes; the webhook never did.
        assert await wait_for(lambda: catcher.to("hook@utforare.example"), 30)
        assert receiver.requests == []
        events = await read_topic(env.kafka_bootstrap, env.topic("notify.events"), at_least=2, timeout=30)
        failed = [json.loads(e.value) for e in events if dict(e.headers)["ce_type"] == b"notification.failed"]
        assert [f["channel"] for f in failed] == ["webhook"]
    finally:
        catcher.stop()
        receiver.stop()
