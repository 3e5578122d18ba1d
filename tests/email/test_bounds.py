"""What a message may cost to read (`servicedesk.email.bounds`): each limit refuses in
milliseconds, before the parser, and mail as clients write it is far inside them."""

from __future__ import annotations

import asyncio
import time

import pytest

from servicedesk.email import bounds
from servicedesk.email.parse import MessageRefused
from tests.email.conftest import mail
from tests.helpers.hostile import many_parts_mail, nested_mail


def _refused(raw: bytes) -> str:
    started = time.perf_counter()
    with pytest.raises(MessageRefused) as refused:
        asyncio.run(bounds.read_mail(raw))
    assert time.perf_counter() - started < 1.0
    return str(refused.value)


@pytest.mark.parametrize(
    ("raw", "limit"),
    [
        (nested_mail(1_000), "nests parts more than 20 levels"),
        (nested_mail(21), "nests parts more than 20 levels"),
        (many_parts_mail(10_000), "more than 500 parts"),
        (many_parts_mail(501), "more than 500 parts"),
        (b"From: a@b.example\r\n" + b"X-Junk: 1\r\n" * 1_000 + b"\r\nhi", "more than 1000 lines"),
        (b"From: a@b.example\r\nX-Junk: " + b"a" * 300_000 + b"\r\n\r\nhi", "longer than"),
        (
            b"From: a@b.example\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n"
            + b"--m\r\nContent-Type: message/rfc822\r\n\r\nFrom: x@y.example\r\n\r\nx\r\n" * 51
            + b"--m--\r\n",
            "attaches more than 50 messages",
        ),
    ],
    ids=[
        "nested-1000",
        "nested-21",
        "parts-10000",
        "parts-501",
        "header-lines",
        "header-bytes",
        "attached-messages",
    ],
)
def test_a_message_past_a_limit_is_refused_at_once_naming_it(raw: bytes, limit: str) -> None:
    assert limit in _refused(raw)


@pytest.mark.parametrize(
    "raw",
    [mail(), nested_mail(20), many_parts_mail(499)],
    ids=["plain", "nested-20", "parts-499"],
)
def test_mail_within_the_limits_is_read(raw: bytes) -> None:
    asyncio.run(bounds.read_mail(raw))


def test_a_boundary_named_in_text_but_never_used_does_not_count() -> None:
    quoted = b'Content-Type: multipart/mixed; boundary="x%d"\r\n'
    raw = mail(body="".join((quoted % n).decode() for n in range(100)))
    asyncio.run(bounds.read_mail(raw))


def test_whatever_the_parser_raises_is_a_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(raw: bytes) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(bounds, "parse", broken)
    assert "cannot be read (RecursionError)" in _refused(mail())


def test_a_parse_past_its_budget_is_a_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(raw: bytes) -> None:
        time.sleep(0.5)

    monkeypatch.setattr(bounds, "parse", slow)
    monkeypatch.setattr(bounds, "PARSE_SECONDS", 0.05)
    assert "took longer than 0.05 s" in _refused(mail())
