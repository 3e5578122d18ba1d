"""195 real-world messages from public mail-parser test suites (tests/email/corpus,
SOURCE.md gives each one's origin and licence): each is read as expected.json says, and
none gives a 5xx when handed in over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from servicedesk.config import Settings
from servicedesk.email.bounds import read_mail
from servicedesk.email.parse import MessageRefused

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text())
BODY_START = 60


def test_the_corpus_is_what_source_md_says() -> None:
    messages = {
        str(path.relative_to(CORPUS))
        for path in CORPUS.rglob("*")
        if path.is_file() and path.name not in ("SOURCE.md", "expected.json")
    }
    assert messages == set(EXPECTED)
    assert len(messages) >= 150
    source = (CORPUS / "SOURCE.md").read_text()
    for folder in {name.split("/", 1)[0] for name in messages}:
        assert f"`{folder}/`" in source


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_each_message_is_read_as_expected(name: str) -> None:
    expected = EXPECTED[name]
    raw = (CORPUS / name).read_bytes()

    if "refused" in expected:
        with pytest.raises(MessageRefused) as refused:
            await read_mail(raw)
        assert str(refused.value) == expected["refused"]
        return

    mail = await read_mail(raw)
    assert {
        "subject": mail.subject,
        "sender": mail.sender,
        "body_starts": " ".join(mail.text.split())[:BODY_START],
        "files": [file.filename for file in mail.files],
        **({"bounce": True} if mail.bounce else {}),
    } == expected


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Many of the corpus's messages share a sender; the per-sender limit is not tested here.
    return settings.model_copy(update={"email_new_tickets_per_sender_hour": 10_000})


async def test_no_message_of_the_corpus_is_a_5xx_over_http(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    answers: dict[str, int] = {}
    for name in sorted(EXPECTED):
        response = await client.post(
            "/api/v1/inbound/email",
            content=(CORPUS / name).read_bytes(),
            headers={**headers, "Content-Type": "message/rfc822"},
        )
        answers[name] = response.status_code

    refused = {name for name, expected in EXPECTED.items() if "refused" in expected}
    bounces = {name for name, expected in EXPECTED.items() if expected.get("bounce")}
    assert {name for name, status in answers.items() if status == 422} == refused
    assert {name for name, status in answers.items() if status == 202} == bounces
    assert {status for status in answers.values()} <= {200, 201, 202, 422}
