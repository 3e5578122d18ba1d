"""What can answer a ticket (`Source`: an article, an agent's reply) and how well it
matched (`Match`). Plain data, apart from the index that finds them
(`servicedesk.triage.knowledge`), so that what only carries them imports no numpy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# At or above this the match counts as complete (match quality 1.0). Tickets are short
# and articles long, so even an article written for the ticket rarely scores above it.
FULL_MATCH_SCORE = 0.35


@dataclass(frozen=True, slots=True)
class Source:
    """Something that can answer a ticket: an article, or an agent's reply."""

    kind: str  # "kb_article" | "ticket"
    id: str
    title: str
    text: str  # what is matched against the ticket
    reply: str  # what is suggested
    category: str | None


@dataclass(frozen=True, slots=True)
class Match:
    source: Source
    score: float

    @property
    def quality(self) -> float:
        """0–1: how fully the source answers the ticket (1.0 at FULL_MATCH_SCORE)."""
        return min(1.0, self.score / FULL_MATCH_SCORE)

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.source.kind,
            "id": self.source.id,
            "title": self.source.title,
            "score": round(self.score, 4),
        }
