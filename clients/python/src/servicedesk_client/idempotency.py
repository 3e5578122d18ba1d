"""Idempotency keys for `create_ticket` (the `Idempotency-Key` header).

A retry with the same key within an hour gets the first response again (with
`Idempotent-Replayed: true`); the same key with a different body is a 409. A key made
from what identifies the request in your own system survives your process: after a
crash, the re-run sends the same key and creates nothing twice.
"""

from __future__ import annotations

import hashlib
import uuid

MAX_LENGTH = 255


def new_idempotency_key() -> str:
    """A random key, for retries within this process."""
    return str(uuid.uuid4())


def idempotency_key_for(*parts: str) -> str:
    """The same key for the same parts, e.g. `("mailbox", message_id)`: a SHA-256 of
    them, so any length and any characters make a valid key."""
    if not parts:
        raise ValueError("idempotency_key_for needs at least one part")
    digest = hashlib.sha256()
    for part in parts:
        encoded = part.encode()
        # Length-prefixed: ("ab", "c") and ("a", "bc") give different keys.
        digest.update(len(encoded).to_bytes(8, "big") + encoded)
    return f"sdk_{digest.hexdigest()}"
