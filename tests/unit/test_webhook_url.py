"""Which webhook URLs may be used (shared/webhook_url.py): no request may reach loopback,
private, link-local, metadata, multicast or reserved addresses, however they are written."""
import ipaddress
import secrets
import socket

import pytest

from shared.settings import SECRETS, Settings
from shared.webhook_url import WebhookUrlNotAllowed, check_webhook_url, is_public

STRICT = Settings(env="test", allow_private_webhooks=False)
PROD = Settings(env="prod", **{name: secrets.token_hex(32) for name in SECRETS})
LENIENT = Settings(env="test", allow_private_webhooks=True)

NOT_PUBLIC = [
    "127.0.0.1", "127.255.0.1", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "100.64.0.1",                       # shared address space (carrier-grade NAT)
    "169.254.169.254",                  # link-local: the cloud metadata endpoint
    "224.0.0.1", "239.255.255.250",     # multicast
    "240.0.0.1", "255.255.255.255",     # reserved, broadcast
    "192.0.2.1", "198.18.0.1",          # documentation, benchmarking
    "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", "2001:db8::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",   # IPv4-mapped
    "2002:7f00:1::",                    # 6to4 of 127.0.0.1
    "2002:a00:1::",                     # 6to4 of 10.0.0.1
    "64:ff9b::a9fe:a9fe",               # NAT64 of 169.254.169.254
    "fd00:ec2::254",                    # AWS IPv6 metadata
]
PUBLIC = ["93.184.215.14", "8.8.8.8", "2a00:1450:4001:82a::200e", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_non_public_addresses_are_refused(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address):
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/hook", "http://127.0.0.1:8080/hook", "http://[::1]/hook", "http://[::ffff:127.0.0.1]/hook",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/hook", "http://10.0.0.5/hook",
    "http://0.0.0.0/", "http://224.0.0.1/",
    # Numeric forms the system resolver (and so the HTTP client) turns into 127.0.0.1:
    "http://2130706433/hook", "http://0177.0.0.1/hook", "http://0x7f.1/hook", "http://127.1/hook",
    "http://localhost/hook", "http://LOCALHOST./hook",
])
async def test_urls_to_non_public_hosts_are_refused(url):
    with pytest.raises(WebhookUrlNotAllowed):
        await check_webhook_url(url, STRICT)


async def test_a_public_literal_address_is_allowed():
    await check_webhook_url("http://93.184.215.14/hook", STRICT)
    await check_webhook_url("https://[2a00:1450:4001:82a::200e]:8443/hook", PROD)


def _resolver(answers: dict[str, list[str]]):
    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in answers[host]]
    return getaddrinfo


async def test_a_hostname_is_judged_by_every_address_it_resolves_to(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", _resolver({
        "provider.example.se": ["93.184.215.14"],
        "internal.example.se": ["10.0.0.7"],
        "rebind.example.se": ["93.184.215.14", "127.0.0.1"],
        "metadata.example.se": ["fe80::a9fe:a9fe%eth0"],
        "mapped.example.se": ["::ffff:192.168.0.1"],
    }))
    await check_webhook_url("http://provider.example.se/hook", STRICT)
    for host in ("internal", "rebind", "metadata", "mapped", "unknown"):
        with pytest.raises(WebhookUrlNotAllowed):
            await check_webhook_url(f"http://{host}.example.se/hook", STRICT)


@pytest.mark.parametrize("url", [
    "ftp://93.184.215.14/", "file:///etc/passwd", "gopher://93.184.215.14/", "//93.184.215.14/", "hook",
    "http://user:secret@93.184.215.14/", "http://93.184.215.14:99999/",
])
async def test_only_plain_http_urls_are_accepted(url):
    with pytest.raises(WebhookUrlNotAllowed):
        await check_webhook_url(url, STRICT)


async def test_production_accepts_only_https():
    with pytest.raises(WebhookUrlNotAllowed, match="https"):
        await check_webhook_url("http://93.184.215.14/hook", PROD)
    await check_webhook_url("https://93.184.215.14/hook", PROD)


async def test_private_addresses_only_when_allowed():
    assert PROD.allow_private_webhooks is False
    assert Settings(env="dev").allow_private_webhooks is True
    await check_webhook_url("http://127.0.0.1:9000/hook", LENIENT)
    with pytest.raises(WebhookUrlNotAllowed):
        await check_webhook_url("http://127.0.0.1:9000/hook", PROD.model_copy(update={"env": "prod"}))
