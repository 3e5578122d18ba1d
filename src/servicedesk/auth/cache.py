"""A short per-process memory of authenticated keys, so most requests skip the key lookup.

Keys are revoked by `servicedesk keys revoke`, in another process, so no server hears
of it: a revoked key keeps working for at most `api_key_cache_seconds` in a server
process that authenticated it just before (0 turns the cache off). Unknown and revoked
keys are never remembered, so a key made a moment ago works at once. Entries are keyed
by the key's SHA-256, never by the key itself.
"""

from __future__ import annotations

from servicedesk.auth.service import Principal
from servicedesk.ttl_cache import TtlCache

PrincipalCache = TtlCache[str, Principal]
