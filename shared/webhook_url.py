"""Which URLs Omsorg may send a provider's webhook to (OWASP API7: server-side request forgery).

A webhook URL is given by whoever registers a provider, and notify then POSTs to it from
inside the municipality's network. So a URL must name a public host: every address it
resolves to must be globally routable — no loopback, private (RFC 1918, fc00::/7),
shared (100.64/10), link-local (169.254/16 with the cloud metadata endpoints, fe80::/10),
unspecified, multicast or reserved address, also not one wrapped in IPv6 (::ffff:a.b.c.d,
6to4, Teredo, NAT64). Outside dev and test only https is accepted.

Checked when a provider is registered and again right before each send, since what a name
resolves to can change; the send then connects to the very address that was checked
(`webhook_target`), so a name that answers a public address to the check and a private one to
the connection (DNS rebinding) reaches nothing it should not. `OMSORG_ALLOW_PRIVATE_WEBHOOKS` (on by default only in dev and test,
where receivers run on loopback) lets non-public addresses through.
"""
import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from shared.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Not public, though not every Python version's `is_global` says so: IPv6 site-local (deprecated,
# still routed inside some networks) and the IETF protocol assignments.
_NOT_PUBLIC = (ipaddress.ip_network("fec0::/10"), ipaddress.ip_network("192.0.0.0/24"))


class WebhookUrlNotAllowed(ValueError):
    """The URL may not be used as a webhook; the message says why."""


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo, NAT64), if any."""
    if address.version != 6:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """True only for a globally routable unicast address."""
    if address.version == 6 and address.ipv4_mapped is not None:
        return is_public(address.ipv4_mapped)  # an IPv4 connection in IPv6 notation
    inner = embedded_ipv4(address)
    if inner is not None and not is_public(inner):
        return False
    if any(address in network for network in _NOT_PUBLIC if network.version == address.version):
        return False
    return address.is_global and not (address.is_multicast or address.is_private or address.is_loopback
                                      or address.is_link_local or address.is_reserved or address.is_unspecified)


def check_scheme_and_host(url: str, *, require_https: bool) -> tuple[str, int]:
    """The host and port of an absolute http(s) URL; refuses anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise WebhookUrlNotAllowed(f"not a valid URL: {exc}") from None
    allowed = ("https",) if require_https else ("https", "http")
    if parts.scheme not in allowed:
        raise WebhookUrlNotAllowed(f"the scheme must be {' or '.join(allowed)}")
    if not parts.hostname:
        raise WebhookUrlNotAllowed("the URL names no host")
    if parts.username or parts.password:
        raise WebhookUrlNotAllowed("the URL may not carry a user name or password")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to, as the system resolver (and so the HTTP client) sees it.
    Also turns numeric forms the resolver accepts (2130706433, 0177.0.0.1, 0x7f.1) into addresses."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookUrlNotAllowed(f"the host {host!r} does not resolve: {exc}") from None
    # An IPv6 scope (fe80::1%eth0) is not part of the address.
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


async def check_webhook_url(url: str, settings: Settings) -> None:
    """Raise WebhookUrlNotAllowed unless Omsorg may send a webhook to `url` now."""
    host, port = check_scheme_and_host(url, require_https=settings.env == "prod")
    if settings.allow_private_webhooks:
        return
    await _checked_addresses(host, port)


async def _checked_addresses(host: str, port: int) -> list[IPAddress]:
    addresses = await resolve(host, port)
    if not addresses:
        raise WebhookUrlNotAllowed(f"the host {host!r} has no address")
    for address in addresses:
        if not is_public(address):
            raise WebhookUrlNotAllowed(f"the host {host!r} resolves to {address}, which is not a public address")
    return addresses


@dataclass(frozen=True)
class Target:
    """Where a webhook goes: the URL with the checked address in place of the name, and the name
    for the Host header and for TLS (server name and certificate)."""
    url: str
    host: str
    host_header: str
    https: bool


async def webhook_target(url: str, settings: Settings) -> Target:
    """The URL checked now and pinned to the address that passed the check (no second lookup)."""
    host, port = check_scheme_and_host(url, require_https=settings.env == "prod")
    addresses = await resolve(host, port) if settings.allow_private_webhooks else await _checked_addresses(host, port)
    if not addresses:
        raise WebhookUrlNotAllowed(f"the host {host!r} has no address")
    address = addresses[0]
    parts = urlsplit(url)
    literal = f"[{address}]" if address.version == 6 else str(address)
    default = 443 if parts.scheme == "https" else 80
    netloc = literal if port == default else f"{literal}:{port}"
    shown = host if port == default else f"{host}:{port}"
    return Target(url=urlunsplit(parts._replace(netloc=netloc)), host=host, host_header=shown,
                  https=parts.scheme == "https")
