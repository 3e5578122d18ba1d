"""Which addresses a webhook may reach (`servicedesk.webhooks.urls.is_public`)."""

from __future__ import annotations

import ipaddress

import pytest

from servicedesk.webhooks.urls import NOT_GLOBAL_IPV6, is_public


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("64:ff9b::808:808", True),  # NAT64 of 8.8.8.8
        ("2002:808:808::1", True),  # 6to4 of 8.8.8.8
        ("::ffff:8.8.8.8", True),
        ("64:ff9b::7f00:1", False),
        ("64:ff9b::c0a8:1", False),  # 192.168.0.1
        ("2002:c0a8:1::1", False),
        ("::ffff:127.0.0.1", False),
        ("::10.0.0.1", False),
        ("::", False),
        ("::1", False),
        ("fe80::1", False),
        ("ff02::1", False),
        ("64:ff9b:1::7f00:1", False),  # local-use NAT64 (RFC 8215): 127.0.0.1 at /96
        ("64:ff9b:1:7f00:1::", False),  # the same at /48 (RFC 6052's layout)
        ("64:ff9b:1::808:808", False),  # local-use: refused whatever it carries
        ("::ffff:0:7f00:1", False),  # IPv4-translated (RFC 2765): 127.0.0.1
        ("::ffff:0:a00:1", False),  # IPv4-translated: 10.0.0.1
        ("::ffff:0:808:808", True),  # IPv4-translated: 8.8.8.8
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", False),  # Teredo to 127.0.0.1
    ],
)
def test_an_ipv6_address_is_as_public_as_the_ipv4_address_it_carries(
    address: str, public: bool
) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize("block", NOT_GLOBAL_IPV6, ids=str)
def test_every_special_purpose_ipv6_block_is_refused_at_both_ends(
    block: ipaddress.IPv6Network,
) -> None:
    assert not is_public(block.network_address)
    assert not is_public(block.broadcast_address)
