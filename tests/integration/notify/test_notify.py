"""Notify on the real stack: Kafka events in, real SMTP and HTTP out, the delivery log in PostgreSQL."""
import asyncio
import json
import re
import uuid

import httpx
import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from demo.flow import organisation_number
from shared.webhook_secret import provider_webhook_secret
from tests import clock
from tests.integration.notify.helpers import MailCatcher, WebhookReceiver, envelope, notify_env, order_sent, publish, wait_for
from tests.stack import eventually, free_port, read_topic


def watch_raised(order_id, provider_id, email: str, webhook_url: str | None = None) -> dict:
    return {"watch_id": str(uuid.uuid4()), "kind": "order_unconfirmed", "rule": "order_reminder",
            "subject_type": "order", "subject_id": str(order_id), "case_id": str(uuid.uuid4()),
            "assignee": "anna", "unit": "vuxen", "due_on": clock.today().isoformat(),
            "raised_at": clock.now().isoformat(), "remind_provider": True,
            "provider_id": str(provider_id), "provider_email": email, "provider_webhook_url": webhook_url}


async def deliveries_page(env, proc, **params) -> dict:
    async with httpx.AsyncClient() as client:
        r = await client.get(f"{proc.url}/deliveries", params=params, headers=env.auth("support", "sven"))
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"items", "next_cursor"}
    return r.json()


async def deliveries(env, proc, **params) -> list[dict]:
    return (await deliveries_page(env, proc, **params))["items"]


async def delivery_counts(proc, channel: str = "email") -> dict[tuple[str, str], float]:
    """omsorg_notify_deliveries_total of one channel from notify's /metrics: (channel, outcome) → count."""
    async with httpx.AsyncClient() as client:
        text = (await client.get(f"{proc.url}/metrics")).text
    counts = {}
    for labels, value in re.findall(r"^omsorg_notify_deliveries_total\{([^}]*)\} (\S+)$", text, re.MULTILINE):
        found = dict(re.findall(r'(\w+)="([^"]*)"', labels))
        if found["channel"] == channel:
            counts[(found["channel"], found["outcome"])] = float(value)
    return counts


def reminders(catcher: MailCatcher, address: str) -> list:
    return [m for m in catcher.to(address) if str(m["Subject"]).startswith("Påminnelse")]


async def test_reminder_reaches_the_provider_exactly_once_when_the_watch_event_comes_three_times(env):
    catcher = MailCatcher().start()
    try:
        proc = env.start("notify", **notify_env(catcher.port))
        await proc.wait_ready()
        order, provider = uuid.uuid4(), uuid.uuid4()
        address = f"bokning-{provider.hex[:6]}@utforare.example"
        sent = envelope("order.sent", order_sent(order, provider, address))
        await publish(env, "orders.events", str(order), sent)
        raised = envelope("watch.raised", watch_raised(order, provider, address))
        await publish(env, "watch.events", str(order), raised, raised, raised)

        assert await wait_for(lambda: reminders(catcher, address), 60), proc.log_tail()
        mail = reminders(catcher, address)[0]
        assert mail["Subject"] == f"Påminnelse: obekräftad beställning ({order})"
        text = mail.get_content()
        assert f"https://omsorg.test/orders/{order}" in text and "hemtjänst" not in text and "anna" not in text
        # Every delivery of the event is done (mail + in-app); nothing more is on its way.
        async def all_delivered():
            rows = await deliveries(env, proc, order_id=str(order))
            return len(rows) == 3 and all(r["status"] == "delivered" for r in rows) and rows
        rows = await eventually(all_delivered, 30)
        assert rows, await deliveries(env, proc, order_id=str(order))
        await asyncio.sleep(2)
        assert len(reminders(catcher, address)) == 1
        assert len(catcher.to(address)) == 2  # "Ny beställning" and the reminder
        assert {(r["template"], r["channel"]) for r in rows} == {
            ("order_sent", "email"), ("order_reminder", "email"), ("watch_raised", "in_app")}

        async with httpx.AsyncClient() as client:
            page = (await client.get(f"{proc.url}/notifications", headers=env.auth("caseworker", "anna"))).json()
            assert page["next_cursor"] is None
            mine = page["items"]
            assert [n["title"] for n in mine] == ["Bevakning: obekräftad beställning"]
            other = await client.get(f"{proc.url}/notifications", headers=env.auth("caseworker", "bertil"))
            assert other.json() == {"items": [], "next_cursor": None}
            stolen = await client.post(f"{proc.url}/notifications/{mine[0]['id']}/read",
                                       headers=env.auth("caseworker", "bertil"))
            assert stolen.status_code == 404 and stolen.json()["code"] == "notification_not_found"
            read = await client.post(f"{proc.url}/notifications/{mine[0]['id']}/read",
                                     headers=env.auth("caseworker", "anna"))
            assert read.status_code == 200 and read.json()["read"] is True
            unread = await client.get(f"{proc.url}/notifications", params={"unread": "true"},
                                      headers=env.auth("caseworker", "anna"))
            assert unread.json() == {"items": [], "next_cursor": None}
            forbidden = await client.get(f"{proc.url}/deliveries", headers=env.auth("caseworker", "anna"))
            assert forbidden.status_code == 403
            assert forbidden.headers["content-type"].startswith("application/problem+json")
    finally:
        catcher.stop()


async def test_an_smtp_server_that_is_down_at_first_gets_the_mail_when_it_comes_back(env):
    port = free_port()
    proc = env.start("notify", **notify_env(port, OMSORG_NOTIFY_MAX_ATTEMPTS="10"))
    await proc.wait_ready()
    order, provider = uuid.uuid4(), uuid.uuid4()
    await publish(env, "orders.events", str(order),
                  envelope("order.sent", order_sent(order, provider, "ner@utforare.example")))

    async def retried():
        rows = await deliveries(env, proc, order_id=str(order))
        return rows and rows[0]["attempts"] >= 2 and rows[0]
    row = await eventually(retried, 60)
    assert row and row["status"] == "pending" and "Connect" in row["last_error"], proc.log_tail()

    catcher = MailCatcher(port).start()
    try:
        assert await wait_for(lambda: catcher.to("ner@utforare.example"), 60), proc.log_tail()
        async def delivered():
            rows = await deliveries(env, proc, order_id=str(order), status="delivered")
            return rows and rows[0]
        row = await eventually(delivered, 30)
        assert row["attempts"] >= 3 and row["last_error"] is None
        await asyncio.sleep(1)
        assert len(catcher.to("ner@utforare.example")) == 1
    finally:
        catcher.stop()


async def test_an_smtp_server_that_stays_down_leaves_a_failed_delivery_and_a_dead_letter(env):
    proc = env.start("notify", **notify_env(free_port(), OMSORG_NOTIFY_MAX_ATTEMPTS="3"))
    await proc.wait_ready()
    order, provider = uuid.uuid4(), uuid.uuid4()
    await publish(env, "orders.events", str(order),
                  envelope("order.sent", order_sent(order, provider, "borta@utforare.example")))

    async def failed():
        return await deliveries(env, proc, status="failed", recipient="Borta@utforare.example")
    rows = await eventually(failed, 60)
    assert rows and rows[0]["attempts"] == 3 and rows[0]["order_id"] == str(order), proc.log_tail()
    assert await deliveries(env, proc, status="pending") == []

    dead = await read_topic(env.kafka_bootstrap, env.topic("notify.events.dlq"), at_least=1, timeout=30)
    assert len(dead) == 1
    record = json.loads(dead[0].value)
    assert record["delivery_id"] == rows[0]["id"] and record["attempts"] == 3
    assert dict(dead[0].headers)["dlq_consumer"] == b"notify-sender"

    events = await read_topic(env.kafka_bootstrap, env.topic("notify.events"), at_least=1, timeout=30)
    failed_events = [e for e in events if dict(e.headers)["ce_type"] == b"notification.failed"]
    assert len(failed_events) == 1 and json.loads(failed_events[0].value)["delivery_id"] == rows[0]["id"]

    # Counted for the metrics: two attempts tried again, then failed for good; nothing delivered.
    assert await delivery_counts(proc) == {("email", "retry"): 2, ("email", "failed"): 1,
                                           ("email", "delivered"): 0}


async def test_a_webhook_receiver_gets_a_correctly_signed_body(env):
    catcher, receiver = MailCatcher().start(), WebhookReceiver().start()
    try:
        proc = env.start("notify", **notify_env(catcher.port))
        await proc.wait_ready()
        order, provider = uuid.uuid4(), uuid.uuid4()
        await publish(env, "orders.events", str(order),
                      envelope("order.sent", order_sent(order, provider, "hook@utforare.example", receiver.url)))
        assert await wait_for(lambda: receiver.requests, 60), proc.log_tail()
        headers, body = receiver.requests[0]
        # The receiver's side, with the Standard Webhooks library itself.
        secret = provider_webhook_secret(env.settings.webhook_secret, provider, 0)
        assert secret.startswith("whsec_")
        assert Webhook(secret).verify(body, headers)["order_id"] == str(order)
        assert "x-omsorg-signature" not in headers
        with pytest.raises(WebhookVerificationError):  # another provider's secret
            Webhook(provider_webhook_secret(env.settings.webhook_secret, uuid.uuid4(), 0)).verify(body, headers)
        with pytest.raises(WebhookVerificationError):  # a tampered body
            Webhook(secret).verify(body.replace(str(order).encode(), str(uuid.uuid4()).encode()), headers)
        with pytest.raises(WebhookVerificationError):  # a replay: the signed timestamp is over 5 minutes old
            Webhook(secret).verify(body, {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) - 301)})
        old = Webhook(secret).sign(headers["webhook-id"], clock.now().replace(year=2020), body.decode())
        with pytest.raises(WebhookVerificationError):  # correctly signed, but long ago
            Webhook(secret).verify(body, {**headers, "webhook-signature": old,
                                          "webhook-timestamp": str(int(clock.now().replace(year=2020).timestamp()))})
        hooks_so_far = await deliveries(env, proc, order_id=str(order), channel="webhook")
        assert headers["webhook-id"] == hooks_so_far[0]["id"]
        assert headers["content-type"] == "application/json"
        payload = json.loads(body)
        assert payload["order_id"] == str(order) and payload["notification"] == "order_sent"
        assert payload["subject"] == f"Ny beställning ({order})"
        assert await wait_for(lambda: catcher.to("hook@utforare.example"), 30)
        events = await read_topic(env.kafka_bootstrap, env.topic("notify.events"), at_least=2, timeout=30)
        delivered = [json.loads(e.value) for e in events if dict(e.headers)["ce_type"] == b"notification.delivered"]
        assert {d["channel"] for d in delivered} == {"email", "webhook"}
        hooks = await deliveries(env, proc, order_id=str(order), channel="webhook")
        assert [(h["recipient"], h["status"]) for h in hooks] == [(receiver.url, "delivered")]
        # The log in pages: newest first, the cursor leading to the rest.
        both = await deliveries(env, proc, order_id=str(order))
        first = await deliveries_page(env, proc, order_id=str(order), limit=1)
        assert first["items"] == both[:1] and first["next_cursor"]
        rest = await deliveries_page(env, proc, order_id=str(order), limit=1, cursor=first["next_cursor"])
        assert rest["items"] == both[1:] and rest["next_cursor"] is None
        async with httpx.AsyncClient() as client:
            bad = await client.get(f"{proc.url}/deliveries", params={"cursor": "not-a-cursor"},
                                   headers=env.auth("support", "sven"))
        assert bad.status_code == 422 and bad.json()["code"] == "invalid_cursor"
    finally:
        catcher.stop()
        receiver.stop()


async def test_a_recall_reaches_only_a_provider_who_had_opened_the_order(env):
    catcher = MailCatcher().start()
    try:
        proc = env.start("notify", **notify_env(catcher.port))
        await proc.wait_ready()
        provider = uuid.uuid4()
        for opened, address in ((True, "oppnat@utforare.example"), (False, "aldrig@utforare.example")):
            order = uuid.uuid4()
            recall = {"order_id": str(order), "case_id": str(uuid.uuid4()), "provider_id": str(provider),
                      "provider_email": address, "caseworker": "anna", "was_opened": opened,
                      "reason": "fel utförare", "recalled_by": "anna",
                      "recalled_at": clock.now().isoformat()}
            await publish(env, "orders.events", str(order),
                          envelope("order.sent", order_sent(order, provider, address)),
                          envelope("order.recalled", recall))
        assert await wait_for(lambda: [m for m in catcher.to("oppnat@utforare.example")
                                       if "återkallad" in str(m["Subject"])], 60), proc.log_tail()
        await asyncio.sleep(2)
        assert [str(m["Subject"]).split(" (")[0] for m in catcher.to("aldrig@utforare.example")] == ["Ny beställning"]
        rows = await deliveries(env, proc, recipient="oppnat@utforare.example")
        assert sorted(r["template"] for r in rows) == ["order_recalled", "order_sent"]
    finally:
        catcher.stop()


async def test_an_escalation_reaches_the_units_supervisors_and_the_caseworker(env):
    catcher = MailCatcher().start()
    try:
        proc = env.start("notify", **notify_env(catcher.port))
        await proc.wait_ready()
        order = uuid.uuid4()
        escalated = {"watch_id": str(uuid.uuid4()), "kind": "order_escalated", "rule": "order_escalation",
                     "subject_type": "order", "subject_id": str(order), "caseworker": "anna", "unit": "vuxen",
                     "due_on": clock.today().isoformat(), "escalated_at": clock.now().isoformat()}
        await publish(env, "watch.events", str(order), envelope("watch.escalated", escalated))
        async with httpx.AsyncClient() as client:
            async def seen(role, sub, unit):
                r = await client.get(f"{proc.url}/notifications", headers=env.auth(role, sub, unit=unit))
                return r.json()["items"]
            greta = await eventually(lambda: seen("supervisor", "greta", "vuxen"), 60)
            assert [n["title"] for n in greta] == ["Eskalerad bevakning: obekräftad beställning"], proc.log_tail()
            assert len(await eventually(lambda: seen("caseworker", "anna", "vuxen"), 30)) == 1
            assert await seen("supervisor", "olle", "barn") == []
            # Read by one supervisor is still unread for another.
            await client.post(f"{proc.url}/notifications/{greta[0]['id']}/read",
                              headers=env.auth("supervisor", "greta", unit="vuxen"))
            hans = await seen("supervisor", "hans", "vuxen")
            assert hans[0]["read"] is False
    finally:
        catcher.stop()


async def test_after_a_rotation_webhooks_verify_with_the_new_secret_only(env):
    """The whole path: orders issues the secret (shown once), announces only its key version, and
    notify signs the provider's next deliveries with it; a rotation retires the old secret."""
    catcher, receiver = MailCatcher().start(), WebhookReceiver().start()
    try:
        orders_proc = env.start("orders", OMSORG_RELAY_POLL_SECONDS="0.2")
        proc = env.start("notify", **notify_env(catcher.port))
        await orders_proc.wait_ready()
        await proc.wait_ready()
        async with httpx.AsyncClient(base_url=orders_proc.url, headers=env.auth("object_specialist", "olle"),
                                     timeout=20) as admin:
            created = await admin.post("/providers", json={
                "name": "Krokens Hemtjänst", "organisation_number": organisation_number(),
                "email": "krok@utforare.example", "webhook_url": receiver.url, "interventions": ["home_help"]})
            assert created.status_code == 201, created.text
            provider = uuid.UUID(created.json()["id"])

            async def version_in_notify():
                conn = await env.db()
                try:
                    return await conn.fetchval("SELECT key_version FROM notify.provider_webhook_keys"
                                               " WHERE provider_id = $1", provider)
                finally:
                    await conn.close()

            async def delivered_with(secret_response) -> tuple[dict, bytes]:
                secret = secret_response.json()["secret"]
                assert await eventually(lambda: _equals(version_in_notify(), secret_response.json()["key_version"]),
                                        30), proc.log_tail()
                order = uuid.uuid4()
                await publish(env, "orders.events", str(order),
                              envelope("order.sent", order_sent(order, provider, "krok@utforare.example",
                                                                receiver.url)))
                found = await wait_for(lambda: [r for r in receiver.requests if str(order).encode() in r[1]], 60)
                assert found, proc.log_tail()
                headers, body = found[0]
                assert Webhook(secret).verify(body, headers)["order_id"] == str(order)
                return headers, body

            first = await admin.post(f"/providers/{provider}/webhook-secret")
            assert first.status_code == 201, first.text
            assert first.json()["key_version"] == 1 and first.json()["secret"].startswith("whsec_")
            await delivered_with(first)

            second = await admin.post(f"/providers/{provider}/webhook-secret")
            assert second.json()["key_version"] == 2 and second.json()["secret"] != first.json()["secret"]
            headers, body = await delivered_with(second)
            with pytest.raises(WebhookVerificationError):  # the old secret no longer verifies
                Webhook(first.json()["secret"]).verify(body, headers)

            # Shown once: reading it again tells only when it was issued.
            status = await admin.get(f"/providers/{provider}/webhook-secret")
            assert status.status_code == 200
            assert status.json()["key_version"] == 2 and status.json()["rotated_by"] == "olle"
            assert "secret" not in status.json() and second.json()["secret"] not in status.text

        # The secret never travels on the bus: the event carries the key version only.
        events = await read_topic(env.kafka_bootstrap, env.topic("orders.events"), at_least=2, timeout=30)
        rotated = [e for e in events if dict(e.headers)["ce_type"] == b"provider.webhook_key_rotated"]
        assert [json.loads(e.value)["key_version"] for e in rotated] == [1, 2]
        for e in events:
            for secret in (first.json()["secret"], second.json()["secret"]):
                assert secret.encode() not in e.value and secret[len("whsec_"):].encode() not in e.value
    finally:
        catcher.stop()
        receiver.stop()


async def _equals(value, expected) -> bool:
    return (await value) == expected
