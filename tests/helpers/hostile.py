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


def nested_mail(depth: int, *, subject: str = "Nested") -> bytes:
    """A message of multipart parts nested `depth` deep (1,000 ended the parser in
    RecursionError and stopped a mailbox's polling)."""
    head = (
        f"From: Mallory <mallory@attacker.example>\r\nSubject: {subject}\r\n"
        "Message-ID: <nested@attacker.example>\r\nMIME-Version: 1.0\r\n"
    ).encode()
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (level, level)
        for level in range(depth)
    )
    closing = b"".join(b"--b%d--\r\n" % level for level in reversed(range(depth)))
    return head + opening + b"Content-Type: text/plain\r\n\r\nhello\r\n" + closing


def many_parts_mail(parts: int) -> bytes:
    """A message of `parts` one-byte parts (10,000 took 30 s to take)."""
    head = (
        b"From: mallory@attacker.example\r\nSubject: Parts\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="p"\r\n\r\n'
    )
    body = b"--p\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n" * parts
    return head + body + b"--p--\r\n"
