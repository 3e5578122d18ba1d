"""The list's opaque `cursor`: a place in the newest-first order, encoded for a URL.

A cursor is only ever one this API issued, but a client may send anything: every
undecodable value (bad base64, bad JSON, JSON nested too deep, a time out of range once
in UTC, a naive time, a bad id) is an `InvalidCursor`, never another exception."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import UTC, datetime

from servicedesk.tickets.repository import Position

# An issued cursor is under 100 characters; anything much longer was not issued here.
_LONGEST = 512


class InvalidCursor(ValueError):
    """A `cursor` that this API did not issue."""


def encode_cursor(created_at: datetime, ticket_id: uuid.UUID | str) -> str:
    raw = json.dumps([created_at.isoformat(), str(ticket_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    if len(cursor) > _LONGEST:
        raise InvalidCursor(cursor)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_at, ticket_id = json.loads(raw)
        moment = datetime.fromisoformat(created_at)
        if moment.tzinfo is None:
            raise InvalidCursor(cursor)
        # Stored times are UTC: a time that has no UTC form (year 9999 at -23:59) is not
        # a place in the order.
        return Position(moment.astimezone(UTC), uuid.UUID(ticket_id))
    except (binascii.Error, ValueError, TypeError, OverflowError, RecursionError) as error:
        raise InvalidCursor(cursor) from error
