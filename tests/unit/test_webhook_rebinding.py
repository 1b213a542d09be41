"""DNS rebinding: a webhook host that answers a public address when it is checked and a private
one when the HTTP client looks it up again must not reach the private one. The request goes to
the address that was checked, with the name in the Host header and for TLS; the name is looked
up once. No traffic leaves: the HTTP transport records the request instead of sending it."""
import asyncio
import socket

import httpx
import pytest

from services.notify.channels.webhooks import Webhooks
from shared.settings import Settings
from shared.webhook_url import WebhookUrlNotAllowed, is_public, webhook_target

PUBLIC, LOOPBACK = "93.184.216.34", "127.0.0.1"


@pytest.fixture
def rebinding_resolver(monkeypatch):
    """A resolver that answers the public address first and loopback after, as a rebinding
    DNS server does; counts the look-ups."""
    answers = [PUBLIC, LOOPBACK, LOOPBACK]
    asked = []

    async def getaddrinfo(self, host, port, *args, **kwargs):
        asked.append(host)
        address = answers[min(len(asked) - 1, len(answers) - 1)]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", getaddrinfo)
    return asked


async def test_the_webhook_goes_to_the_checked_address_not_a_second_lookup(rebinding_resolver):
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)
    settings = Settings(env="test", allow_private_webhooks=False)
    hooks = Webhooks(settings, transport=httpx.MockTransport(record))
    try:
        await hooks.post("https://rebind.example/hook", b"{}", provider_id="p1", delivery_id="d1")
    finally:
        await hooks.close()
    assert rebinding_resolver == ["rebind.example"], "the name was looked up more than once"
    (request,) = sent
    assert request.url.host == PUBLIC and request.headers["Host"] == "rebind.example"
    assert request.extensions["sni_hostname"] == "rebind.example"


async def test_a_target_keeps_the_port_and_brackets_ipv6(monkeypatch):
    async def getaddrinfo(self, host, port, *args, **kwargs):
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2606:4700:4700::1111", port, 0, 0))]
    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", getaddrinfo)
    target = await webhook_target("https://hooks.example:8443/in?x=1", Settings(env="test", allow_private_webhooks=False))
    assert target.url == "https://[2606:4700:4700::1111]:8443/in?x=1" and target.host_header == "hooks.example:8443"


async def test_a_private_answer_to_the_one_lookup_is_refused(monkeypatch):
    async def getaddrinfo(self, host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (LOOPBACK, port))]
    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", getaddrinfo)
    with pytest.raises(WebhookUrlNotAllowed):
        await webhook_target("https://rebind.example/hook", Settings(env="test", allow_private_webhooks=False))


@pytest.mark.parametrize("address", ["fec0::1", "fec0:1234::5", "192.0.0.1", "192.0.0.170"])
def test_site_local_and_protocol_assignment_addresses_are_not_public(address):
    import ipaddress
    assert not is_public(ipaddress.ip_address(address))
