"""Helpers for notify's tests: an in-process SMTP server (aiosmtpd), a webhook receiver,
and events published straight to Kafka as other services would publish them."""
import asyncio
import email
import json
import threading
import uuid
from email.message import Message
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiokafka import AIOKafkaProducer
from aiosmtpd.controller import Controller

from shared.events import EVENT_TYPES, Envelope, to_kafka
from shared.kafka import kafka_options
from tests import clock
from tests.stack import free_port


class MailCatcher:
    """A real SMTP server on a port of its own; keeps every message it receives."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[Message] = []
        self._lock = threading.Lock()
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=default_policy)
        with self._lock:
            self.messages.append(msg)
        return "250 OK"

    def start(self) -> "MailCatcher":
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[Message]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]


class WebhookReceiver:
    """A tiny HTTP server that records each POST (headers and raw body) and answers 204."""

    def __init__(self):
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/omsorg/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "WebhookReceiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def notify_env(smtp_port: int, **extra: str) -> dict[str, str]:
    return {"OMSORG_SMTP_PORT": str(smtp_port), "OMSORG_NOTIFY_RETRY_BACKOFF_SECONDS": "0.3",
            "OMSORG_RELAY_POLL_SECONDS": "0.2", "OMSORG_PUBLIC_URL": "https://omsorg.test", **extra}


def envelope(type_: str, data: dict, *, event_id: uuid.UUID | None = None) -> Envelope:
    source = "omsorg/" + EVENT_TYPES[type_].topic.split(".")[0] if type_ in EVENT_TYPES else "omsorg/watch"
    return Envelope(id=event_id or uuid.uuid4(), source=source, type=type_, time=clock.now(),
                    data=data)


async def publish(env, topic: str, key: str, *envelopes: Envelope) -> None:
    producer = AIOKafkaProducer(**kafka_options(env.settings))
    await producer.start()
    try:
        for env_ in envelopes:
            headers, body = to_kafka(env_)
            await producer.send_and_wait(env.topic(topic), value=body, key=key.encode(), headers=headers)
    finally:
        await producer.stop()


def order_sent(order_id: uuid.UUID, provider_id: uuid.UUID, email_: str, webhook_url: str | None = None) -> dict:
    return {"order_id": str(order_id), "case_id": str(uuid.uuid4()), "decision_id": str(uuid.uuid4()),
            "provider_id": str(provider_id), "provider_email": email_, "provider_webhook_url": webhook_url,
            "caseworker": "anna", "unit": "vuxen", "intervention": "hemtjänst",
            "wanted_start": clock.today().isoformat(), "sent_at": clock.now().isoformat()}


async def wait_for(check, timeout: float = 30, interval: float = 0.2):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = check()
        if value or asyncio.get_running_loop().time() > deadline:
            return value
        await asyncio.sleep(interval)


def body_json(raw: bytes) -> dict:
    return json.loads(raw)
