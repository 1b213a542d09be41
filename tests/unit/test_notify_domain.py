"""Notify's domain: Swedish templates without case details, signatures, dedup keys, backoff."""
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from services.notify.domain import plan
from services.notify.domain.deliveries import (Channel, Status, after_failure, backoff, dedup_key, normalize_recipient,
                                               recipient_as_logged, webhook_body)
from services.notify.domain.notifications import Notification, readable_by, reader_addresses
from services.notify.domain.signature import signed_headers
from services.notify.domain.templates import TEMPLATES, render, watch_link
from shared.webhook_secret import provider_webhook_secret

ORDER = uuid.uuid4()
PROVIDER = uuid.uuid4()
CONTACT = plan.ProviderContact(order_id=ORDER, provider_id=PROVIDER, email="Bokning@Omsorgen.example",
                               webhook_url="https://utforare.example/hook", caseworker="anna", unit="vuxen")


def test_new_order_mail_is_swedish_with_link_and_reference_only():
    message = render("order_sent", reference=str(ORDER), link=f"https://omsorg.example/orders/{ORDER}")
    assert message.subject == f"Ny beställning ({ORDER})"
    assert f"https://omsorg.example/orders/{ORDER}" in message.text
    assert "Referens" in message.text


def test_every_template_renders_and_a_missing_parameter_fails():
    for name in TEMPLATES:
        assert render(name, reference="r", link="l", what="w").subject
    with pytest.raises(KeyError):
        render("order_sent", link="l")


def test_provider_gets_mail_and_webhook_without_case_details():
    deliveries = plan.to_provider(uuid.uuid4(), "order.sent", "order_sent", CONTACT, "https://omsorg.example")
    assert [d.channel for d in deliveries] == [Channel.EMAIL, Channel.WEBHOOK]
    mail = deliveries[0].content
    assert "anna" not in mail["text"] and "vuxen" not in mail["text"]
    assert deliveries[1].content["order_id"] == str(ORDER)
    without_hook = plan.to_provider(uuid.uuid4(), "order.sent", "order_sent",
                                    plan.ProviderContact(ORDER, PROVIDER, "a@b.se", None), "https://x")
    assert [d.channel for d in without_hook] == [Channel.EMAIL]


def test_watch_recipients():
    assert plan.watch_recipients("watch_raised", "anna", "vuxen") == ["user:anna"]
    assert plan.watch_recipients("watch_raised", None, "vuxen") == ["supervisors:vuxen"]
    assert plan.watch_recipients("watch_escalated", "anna", "vuxen") == ["supervisors:vuxen", "user:anna"]
    assert plan.watch_recipients("watch_escalated", None, "vuxen") == ["supervisors:vuxen"]
    notes = plan.in_app(uuid.uuid4(), "watch.raised", "watch_raised", ["user:anna", "user:anna"],
                        kind="order_unconfirmed", link="l")
    assert len(notes) == 1 and notes[0].content["title"] == "Bevakning: obekräftad beställning"


def test_dedup_key_ignores_address_case_but_not_channel():
    event = uuid.uuid4()
    assert dedup_key(event, "Bokning@Omsorgen.example", "email") == dedup_key(event, "bokning@omsorgen.example ",
                                                                              Channel.EMAIL)
    assert dedup_key(event, "x", "email") != dedup_key(event, "x", "webhook")
    assert normalize_recipient(" https://X.example/Hook ", "webhook") == "https://X.example/Hook"


def test_signature_is_standard_webhooks_per_provider_and_key_version():
    body = webhook_body({"b": 1, "a": "å"})
    assert body == '{"a":"å","b":1}'.encode()
    secret = provider_webhook_secret("master", PROVIDER, 1)
    assert secret.startswith("whsec_") and secret == provider_webhook_secret("master", str(PROVIDER), 1)
    assert secret != provider_webhook_secret("master", uuid.uuid4(), 1)
    assert secret != provider_webhook_secret("master", PROVIDER, 2)
    assert secret != provider_webhook_secret("other", PROVIDER, 1)
    now = datetime.now(timezone.utc)
    headers = signed_headers(secret, delivery_id="d-1", body=body, sent_at=now)
    assert headers["webhook-id"] == "d-1" and headers["webhook-timestamp"] == str(int(now.timestamp()))
    assert headers["webhook-signature"].startswith("v1,")
    assert Webhook(secret).verify(body, headers) == {"a": "å", "b": 1}
    for wrong_body, wrong_headers, wrong_secret in (
            (body + b" ", headers, secret),
            (body, {**headers, "webhook-id": "d-2"}, secret),
            (body, headers, provider_webhook_secret("master", PROVIDER, 2)),
            (body, signed_headers(secret, delivery_id="d-1", body=body, sent_at=now - timedelta(minutes=6)), secret)):
        with pytest.raises(WebhookVerificationError):
            Webhook(wrong_secret).verify(wrong_body, wrong_headers)


def test_backoff_doubles_and_is_capped_then_gives_up():
    assert backoff(1, 2) == timedelta(seconds=2)
    assert backoff(3, 2) == timedelta(seconds=8)
    assert backoff(30, 2, cap_seconds=60) == timedelta(seconds=60)
    with pytest.raises(ValueError):
        backoff(0, 2)
    assert after_failure(2, 3) is Status.PENDING
    assert after_failure(3, 3) is Status.FAILED


def test_the_log_is_searched_for_an_address_as_it_keeps_it():
    assert recipient_as_logged(" Bokning@Omsorgen.example ") == "bokning@omsorgen.example"
    assert recipient_as_logged("https://X.example/Hook") == "https://X.example/Hook"
    assert recipient_as_logged("Bokning@Omsorgen.example", "webhook") == "Bokning@Omsorgen.example"
    assert recipient_as_logged("user:Anna", "in_app") == "user:Anna"


def test_a_watch_notice_leads_to_its_order_or_to_the_watch_list():
    assert watch_link("https://omsorg.example/", "order", ORDER) == f"https://omsorg.example/orders/{ORDER}"
    assert watch_link("https://omsorg.example/", "decision", ORDER) == "https://omsorg.example/watches"


def test_a_reader_reads_their_own_notifications_and_those_of_the_unit_they_supervise():
    assert reader_addresses("anna") == ["user:anna"]
    assert reader_addresses("greta", "vuxen") == ["user:greta", "supervisors:vuxen"]
    notification = Notification(id=uuid.uuid4(), recipient="supervisors:vuxen", template="watch_escalated",
                                title="t", text="x", link=None, order_id=None, created_at=datetime.now(timezone.utc))
    assert readable_by(notification, reader_addresses("greta", "vuxen"))
    assert not readable_by(notification, reader_addresses("anna"))
    assert not readable_by(notification, reader_addresses("olle", "barn"))
    assert not notification.read and replace(notification, read_at=notification.created_at).read


def test_an_address_is_sent_in_ascii_or_not_at_all():
    from services.notify.domain.deliveries import UndeliverableAddress, smtp_address
    assert smtp_address("x@spår.example") == "x@xn--spr-vla.example"
    assert smtp_address("bestallning@utforare.example") == "bestallning@utforare.example"
    for bad in ("åsa@utforare.example", "utan-snabel-a", "@utforare.example"):
        with pytest.raises(UndeliverableAddress):
            smtp_address(bad)
