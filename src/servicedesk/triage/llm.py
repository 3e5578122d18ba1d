"""The `llm` engine: any OpenAI-compatible chat-completions endpoint, asked for JSON.

It runs only in the worker (`servicedesk.triage.jobs`), never inside a request. The
answer must name one of the tenant's categories and a confidence in 0–1; anything else
is an `LlmError` and the ticket keeps its local triage. The best knowledge matches are
given as context, so the reply is grounded in the tenant's own answers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import BaseModel, Field, ValidationError

from servicedesk.config import Settings
from servicedesk.triage.engine import LLM_ENGINE, TicketText, Triage
from servicedesk.triage.sources import Match

MAX_CONTEXT_CHARS = 4_000
SYSTEM_PROMPT = (
    "You triage IT service desk tickets. Answer with one JSON object and nothing else: "
    '{"category": <one of the allowed categories>, "reply": <a reply to the requester, '
    'or null if you cannot answer from the knowledge given>, "confidence": <0 to 1, '
    "how likely the reply resolves the ticket>}. Never invent facts that the knowledge "
    "does not contain."
)


class LlmError(Exception):
    """The endpoint failed or answered something unusable; `retryable` if trying again
    later may help (timeouts, 5xx, 429)."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class _Answer(BaseModel):
    category: str
    reply: str | None = Field(default=None, max_length=65_536)
    confidence: float = Field(ge=0.0, le=1.0)


@dataclass(frozen=True, slots=True)
class LlmClient:
    settings: Settings
    http: httpx.AsyncClient

    async def triage(
        self,
        ticket: TicketText,
        categories: Sequence[str],
        matches: Sequence[Match],
        *,
        suggested_priority: str | None,
    ) -> Triage:
        content = await self._complete(_messages(ticket, categories, matches))
        answer = _parse(content, categories)
        return Triage(
            category=answer.category,
            category_confidence=answer.confidence,
            suggested_response=answer.reply or None,
            confidence=answer.confidence if answer.reply else 0.0,
            suggested_priority=suggested_priority,
            engine=LLM_ENGINE,
            model_version=self.settings.llm_model,
            source=matches[0].as_dict() if matches and answer.reply else None,
        )

    async def _complete(self, messages: list[dict[str, str]]) -> str:
        base = (self.settings.llm_base_url or "").rstrip("/")
        key = self.settings.llm_api_key
        headers = {"Authorization": f"Bearer {key.get_secret_value()}"} if key else {}
        try:
            response = await self.http.post(
                f"{base}/chat/completions",
                headers=headers,
                json={
                    "model": self.settings.llm_model,
                    "messages": messages,
                    "temperature": 0,
                    "response_format": {"type": "json_object"},
                },
                timeout=self.settings.llm_timeout_seconds,
            )
        except httpx.TimeoutException:
            raise LlmError("LLM endpoint timed out", retryable=True) from None
        except httpx.HTTPError as error:
            raise LlmError(
                f"LLM endpoint unreachable: {type(error).__name__}", retryable=True
            ) from None
        if response.status_code == 429 or response.status_code >= 500:
            raise LlmError(f"LLM endpoint answered {response.status_code}", retryable=True)
        if response.status_code >= 400:
            raise LlmError(f"LLM endpoint answered {response.status_code}", retryable=False)
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise LlmError("LLM response is not a chat completion", retryable=False) from None
        if not isinstance(content, str):
            raise LlmError("LLM response has no text content", retryable=False)
        return content


def _messages(
    ticket: TicketText, categories: Sequence[str], matches: Sequence[Match]
) -> list[dict[str, str]]:
    knowledge = "\n\n".join(f"[{match.source.title}]\n{match.source.reply}" for match in matches)[
        :MAX_CONTEXT_CHARS
    ]
    user = (
        f"Allowed categories: {json.dumps(list(categories))}\n\n"
        f"Knowledge:\n{knowledge or '(none)'}\n\n"
        f"Ticket subject: {ticket.subject}\nTicket description: {ticket.description}"
    )
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def _parse(content: str, categories: Sequence[str]) -> _Answer:
    try:
        data: Any = json.loads(content)
        answer = _Answer.model_validate(data)
    except (ValueError, ValidationError):
        raise LlmError("LLM answer is not the JSON asked for", retryable=False) from None
    if answer.category not in categories:
        raise LlmError("LLM answered a category outside the tenant's list", retryable=False)
    return answer
