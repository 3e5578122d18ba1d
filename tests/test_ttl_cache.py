"""The per-process expiring memory: expiry, bound, and off at 0."""

from __future__ import annotations

from servicedesk.ttl_cache import TtlCache


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_is_served_until_its_time_is_up() -> None:
    clock = Clock()
    cache: TtlCache[str, object] = TtlCache(2.0, clock=clock)
    remembered = object()
    cache.put("hash", remembered)

    clock.now += 1.99
    assert cache.get("hash") is remembered
    clock.now += 0.01
    assert cache.get("hash") is None


def test_zero_seconds_remembers_nothing() -> None:
    cache: TtlCache[str, object] = TtlCache(0)
    cache.put("hash", object())

    assert not cache.enabled
    assert cache.get("hash") is None


def test_the_least_recently_stored_entry_goes_first_when_full() -> None:
    cache: TtlCache[str, str] = TtlCache(60, max_entries=2)
    cache.put("a", "a")
    cache.put("b", "b")
    cache.put("a", "a")
    cache.put("c", "c")

    assert cache.get("b") is None
    assert [cache.get(name) is not None for name in ("a", "c")] == [True, True]
