"""What a message may cost to read, checked on its bytes before any parser sees them,
and the reading itself done off the event loop within a time budget.

The standard library's parser recurses once per nested part (a message nested 950 deep
ended in RecursionError) and spends time per part (10,000 one-byte parts took 30 s in
the request); one such message stopped a tenant's mail intake, retried for ever. Every
limit below is far past what mail clients write: Outlook and Gmail nest five or six
levels, and a message with hundreds of attachments is already unusual.
"""

from __future__ import annotations

import asyncio
import re

from servicedesk.email.parse import InboundMail, MessageRefused, parse

MAX_NESTING = 20
MAX_PARTS = 500
MAX_ATTACHED_MESSAGES = 50
MAX_HEADER_LINES = 1_000
MAX_HEADER_BYTES = 256 * 1024
PARSE_SECONDS = 10.0

_BOUNDARY = re.compile(
    rb"^content-type:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*?"  # the header, folded or not
    rb'\bboundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))',
    re.IGNORECASE | re.MULTILINE,
)
_DELIMITER = re.compile(rb"^--([^\r\n]{1,200}?)(--)?[ \t]*\r?$", re.MULTILINE)
_ATTACHED_MESSAGE = re.compile(rb"^content-type:\s*message/", re.IGNORECASE | re.MULTILINE)
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def check_bounds(raw: bytes) -> None:
    """MessageRefused, naming the limit, for a message past any of them."""
    _check_headers(raw)
    if len(_ATTACHED_MESSAGE.findall(raw)) > MAX_ATTACHED_MESSAGES:
        raise MessageRefused(f"The message attaches more than {MAX_ATTACHED_MESSAGES} messages")
    nesting, parts = _structure(raw)
    if nesting > MAX_NESTING:
        raise MessageRefused(f"The message nests parts more than {MAX_NESTING} levels deep")
    if parts > MAX_PARTS:
        raise MessageRefused(f"The message has more than {MAX_PARTS} parts")


def _check_headers(raw: bytes) -> None:
    end = _HEADER_END.search(raw, 0, MAX_HEADER_BYTES + 4)
    if end is None and len(raw) > MAX_HEADER_BYTES:
        raise MessageRefused(f"The message's header is longer than {MAX_HEADER_BYTES} bytes")
    header = raw[: end.start()] if end else raw
    if header.count(b"\n") + 1 > MAX_HEADER_LINES:
        raise MessageRefused(f"The message's header has more than {MAX_HEADER_LINES} lines")


def _structure(raw: bytes) -> tuple[int, int]:
    """How deep multipart containers nest and how many parts there are, read from the
    boundary lines of the boundaries the message declares. A container opens at its first
    delimiter line; a line of an outer boundary ends the containers inside it. Stops
    once past a bound, so its lists stay short however hostile the message."""
    declared = {first or second for first, second in _BOUNDARY.findall(raw)}
    if not declared:
        return 0, 1
    open_boundaries: list[bytes] = []
    deepest, parts = 0, 1
    for match in _DELIMITER.finditer(raw):
        boundary, closing = match.group(1), match.group(2)
        if boundary not in declared:
            continue
        if boundary in open_boundaries:
            del open_boundaries[open_boundaries.index(boundary) + 1 :]
            if closing:
                open_boundaries.pop()
                continue
        elif closing:
            continue
        else:
            open_boundaries.append(boundary)
            deepest = max(deepest, len(open_boundaries))
        parts += 1
        if deepest > MAX_NESTING or parts > MAX_PARTS:
            break  # past a bound already: the rest need not be read
    return deepest, parts


async def read_mail(raw: bytes) -> InboundMail:
    """The message read, or MessageRefused saying why it cannot be: past a bound, not a
    message, longer than PARSE_SECONDS to read, or anything the parser raises. Read in a
    thread: the event loop serves other requests meanwhile."""
    check_bounds(raw)
    try:
        return await asyncio.wait_for(asyncio.to_thread(parse, raw), PARSE_SECONDS)
    except MessageRefused:
        raise
    except TimeoutError:
        raise MessageRefused(f"The message took longer than {PARSE_SECONDS:g} s to read") from None
    except Exception as error:  # a parser's failure on hostile bytes is the message's
        raise MessageRefused(f"The message cannot be read ({type(error).__name__})") from None
