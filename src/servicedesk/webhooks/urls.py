"""Where a webhook may point: https, and only at public addresses (SSRF defence).

The check runs at registration and again before every delivery, on the addresses the
delivery then connects to, so a DNS answer that changes in between (rebinding) cannot
steer a delivery into the private network.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import httpx

RESOLVE_TIMEOUT_SECONDS = 5.0
MAX_PORT = 65_535
MAX_LABEL_CHARS = 63
MAX_HOST_CHARS = 253
# IPv6 prefixes whose last 32 bits are an IPv4 address that a packet reaches: the
# IPv4-compatible form (RFC 4291, deprecated), NAT64's well-known prefix (RFC 6052) and
# the IPv4-translated form of SIIT (RFC 2765, `::ffff:0:a.b.c.d`).
_IPV4_IN_LAST_32_BITS = (
    ipaddress.ip_network("::/96"),
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("::ffff:0:0:0/96"),
)
# Blocks of IANA's IPv6 Special-Purpose Address Registry that are not globally reachable,
# refused by name rather than left to the `ipaddress` module of the running Python, whose
# list has changed between releases. The local-use NAT64 prefix (RFC 8215) is refused
# whole: it leads to an operator's own translator, and so to any IPv4 host behind it,
# private ones included, wherever in the prefix the IPv4 address is written.
NOT_GLOBAL_IPV6 = tuple(
    ipaddress.ip_network(block)
    for block in (
        "::1/128",  # loopback
        "::/128",  # unspecified
        "64:ff9b:1::/48",  # local-use IPv4/IPv6 translation (RFC 8215)
        "100::/64",  # discard-only (RFC 6666)
        "100:0:0:1::/64",  # dummy prefix (RFC 9780)
        "2001:2::/48",  # benchmarking (RFC 5180)
        "2001:10::/28",  # ORCHID, deprecated (RFC 4843)
        "2001:db8::/32",  # documentation (RFC 3849)
        "3fff::/20",  # documentation (RFC 9637)
        "5f00::/16",  # segment routing SIDs (RFC 9602)
        "fc00::/7",  # unique-local (RFC 4193)
        "fe80::/10",  # link-local (RFC 4291)
        "fec0::/10",  # site-local, deprecated (RFC 3879)
        "ff00::/8",  # multicast
    )
)
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class WebhookUrlRejected(ValueError):
    """A webhook URL that may not be used; the message says why."""


def parse(url: str, *, allow_private: bool) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise WebhookUrlRejected("Webhook URL is not a valid URL") from None
    allowed_schemes = {"https", "http"} if allow_private else {"https"}
    if parsed.scheme not in allowed_schemes:
        raise WebhookUrlRejected("Webhook URL must use https://")
    if not parsed.raw_host:
        raise WebhookUrlRejected("Webhook URL must have a host")
    if parsed.port is not None and not 1 <= parsed.port <= MAX_PORT:
        raise WebhookUrlRejected(f"Webhook URL port must be 1 to {MAX_PORT}")
    check_host_name(parsed)
    return parsed


def check_host_name(url: httpx.URL) -> None:
    """A host name DNS could look up: labels of 1 to 63 characters, 253 in all, and
    valid IDNA (`xn--` labels decode). An address literal is checked as an address."""
    raw = url.raw_host.decode("ascii", "replace")
    try:
        ipaddress.ip_address(raw)
        return
    except ValueError:
        pass
    labels = raw.removesuffix(".").split(".")
    if len(raw) > MAX_HOST_CHARS or any(not 1 <= len(label) <= MAX_LABEL_CHARS for label in labels):
        raise WebhookUrlRejected("Webhook URL host is not a valid host name")
    try:
        _ = url.host  # decodes every xn-- label
    except ValueError:  # idna.IDNAError and UnicodeError are ValueErrors
        raise WebhookUrlRejected("Webhook URL host is not a valid host name") from None


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (a literal address resolves to itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), RESOLVE_TIMEOUT_SECONDS
        )
    except (OSError, TimeoutError, UnicodeError):
        raise WebhookUrlRejected(f"Webhook URL host does not resolve: {host}") from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses:
        raise WebhookUrlRejected(f"Webhook URL host does not resolve: {host}")
    return list(dict.fromkeys(addresses))


def is_public(address: IPAddress) -> bool:
    """Global unicast; an IPv6 address that carries an IPv4 one (mapped, compatible,
    NAT64, 6to4, Teredo) is public only if every IPv4 address it carries is."""
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in block for block in NOT_GLOBAL_IPV6):
            return False
        carried = embedded_ipv4(address)
        if carried:
            return all(is_public(inner) for inner in carried)
    return address.is_global and not address.is_multicast


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries, by the transition mechanisms that
    route to them."""
    carried: list[ipaddress.IPv4Address] = []
    if address.ipv4_mapped is not None:
        carried.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        carried.append(address.sixtofour)
    if address.teredo is not None:
        carried.extend(address.teredo)
    if any(address in prefix for prefix in _IPV4_IN_LAST_32_BITS):
        carried.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return carried


async def checked_addresses(url: httpx.URL, *, allow_private: bool) -> list[IPAddress]:
    """The addresses to connect to; all must be public unless private ones are allowed."""
    addresses = await resolve(url.host, url.port or (443 if url.scheme == "https" else 80))
    if not allow_private and not all(is_public(address) for address in addresses):
        raise WebhookUrlRejected(
            "Webhook URL must not point to a private, loopback, link-local or reserved address"
        )
    return addresses


async def check_webhook_url(url: str, *, allow_private: bool) -> str:
    """Validate a URL for registration; returns it normalised."""
    parsed = parse(url, allow_private=allow_private)
    await checked_addresses(parsed, allow_private=allow_private)
    return str(parsed)
