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
    if not parsed.host:
        raise WebhookUrlRejected("Webhook URL must have a host")
    return parsed


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
    except (OSError, TimeoutError):
        raise WebhookUrlRejected(f"Webhook URL host does not resolve: {host}") from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses:
        raise WebhookUrlRejected(f"Webhook URL host does not resolve: {host}")
    return list(dict.fromkeys(addresses))


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


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
