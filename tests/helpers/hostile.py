"""Values a stranger may send that the desk never issued: each must be a clear 4xx."""

from __future__ import annotations

import base64
import uuid


def raw_cursor(value: str) -> str:
    """`value` encoded as the list's cursors are, whatever it holds."""
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


# Cursors this API never issued that reach past its checks: times with no UTC form (they
# overflowed in the database's time type), JSON nested past the recursion limit, a naive
# time, a time that is not a string, and one far longer than any issued cursor.
HOSTILE_CURSORS = (
    raw_cursor(f'["9999-12-31T23:59:59-23:59", "{uuid.UUID(int=1)}"]'),
    raw_cursor(f'["0001-01-01T00:00:00+23:59", "{uuid.UUID(int=1)}"]'),
    raw_cursor("[" * 3000 + "]" * 3000),
    raw_cursor(f'["2026-01-01T00:00:00", "{uuid.UUID(int=1)}"]'),
    raw_cursor(f'[["2026"], "{uuid.UUID(int=1)}"]'),
    "A" * 5000,
)
