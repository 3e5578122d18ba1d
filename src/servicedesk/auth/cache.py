"""A short per-process memory of authenticated keys, so most requests skip the key lookup.

Keys are revoked by `servicedesk keys revoke`, in another process, so no server hears
of it: a revoked key keeps working for at most `api_key_cache_seconds` in a server
process that authenticated it just before (0 turns the cache off). Unknown and revoked
keys are never remembered, so a key made a moment ago works at once. Entries are keyed
by the key's SHA-256, never by the key itself.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from servicedesk.auth.service import Principal

MAX_ENTRIES = 10_000


class PrincipalCache:
    def __init__(
        self,
        ttl_seconds: float,
        *,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, Principal]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.ttl_seconds > 0

    def get(self, key_hash: str) -> Principal | None:
        entry = self._entries.get(key_hash)
        if entry is None:
            return None
        expires_at, principal = entry
        if self._clock() >= expires_at:
            del self._entries[key_hash]
            return None
        return principal

    def put(self, key_hash: str, principal: Principal) -> None:
        if not self.enabled:
            return
        self._entries[key_hash] = (self._clock() + self.ttl_seconds, principal)
        self._entries.move_to_end(key_hash)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
