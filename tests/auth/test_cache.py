"""The per-process memory of authenticated keys: expiry, bound, and off at 0."""

from __future__ import annotations

import uuid

from servicedesk.auth.cache import PrincipalCache
from servicedesk.auth.service import Principal


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def principal(key_id: str = "key_1") -> Principal:
    return Principal(tenant_id=uuid.uuid4(), key_id=key_id, scopes=frozenset({"tickets:read"}))


def test_an_entry_is_served_until_its_time_is_up() -> None:
    clock = Clock()
    cache = PrincipalCache(2.0, clock=clock)
    remembered = principal()
    cache.put("hash", remembered)

    clock.now += 1.99
    assert cache.get("hash") is remembered
    clock.now += 0.01
    assert cache.get("hash") is None


def test_zero_seconds_remembers_nothing() -> None:
    cache = PrincipalCache(0)
    cache.put("hash", principal())

    assert not cache.enabled
    assert cache.get("hash") is None


def test_the_least_recently_stored_entry_goes_first_when_full() -> None:
    cache = PrincipalCache(60, max_entries=2)
    cache.put("a", principal("a"))
    cache.put("b", principal("b"))
    cache.put("a", principal("a"))
    cache.put("c", principal("c"))

    assert cache.get("b") is None
    assert [cache.get(name) is not None for name in ("a", "c")] == [True, True]
