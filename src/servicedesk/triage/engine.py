"""The `Triager` interface and the local engine behind it.

A triage is a category with its calibrated probability, a suggested reply from the
tenant's knowledge (or none), a suggested priority, and the confidence that the reply
resolves the ticket: the category's probability times the match's quality
(`knowledge.Match.quality`). No reply means confidence 0: nothing can be auto-resolved
without an answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the engine's parts import numpy and scikit-learn: see model.py
    from servicedesk.triage.knowledge import KnowledgeIndex
    from servicedesk.triage.model import CategoryModel
    from servicedesk.triage.sources import Match

LOCAL_ENGINE = "local"
LLM_ENGINE = "llm"


@dataclass(frozen=True, slots=True)
class TicketText:
    subject: str
    description: str

    @property
    def text(self) -> str:
        return f"{self.subject}\n{self.description}"


@dataclass(frozen=True, slots=True)
class Triage:
    category: str | None
    category_confidence: float
    suggested_response: str | None
    confidence: float
    suggested_priority: str | None
    engine: str
    model_version: str
    source: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def ticket_fields(self) -> dict[str, Any]:
        """What triage writes on the ticket."""
        return {
            "category": self.category,
            "ai_suggested_response": self.suggested_response,
            "confidence_score": round(self.confidence, 4),
        }

    def as_dict(self) -> dict[str, Any]:
        """The `triage` object of a `ticket.triaged` event."""
        return {
            "engine": self.engine,
            "model_version": self.model_version,
            "category": self.category,
            "category_confidence": round(self.category_confidence, 4),
            "confidence": round(self.confidence, 4),
            "suggested_priority": self.suggested_priority,
            "source": self.source,
            **({"notes": self.notes} if self.notes else {}),
        }


class Triager(Protocol):
    def triage(self, ticket: TicketText) -> Triage: ...


def best_allowed(
    model: CategoryModel, text: str, allowed: Sequence[str]
) -> tuple[str | None, float]:
    """The most probable label among `allowed`, its probability renormalised over them.

    A tenant's category list may be narrower than what the model knows; labels outside
    it are never answered. None of them known to the model: no category. When the list
    is wider (categories the model was never taught), the ticket may well belong to one
    of those: with no knowledge of them, each category is as likely a priori, so the
    probability is scaled by the share of the categories the model knows. A starter
    model that knows one of a tenant's eight categories claims at most 0.125, not 1."""
    probabilities = model.probabilities([text])[0]
    labels = model.labels
    wanted = set(allowed)
    columns = [index for index, label in enumerate(labels) if label in wanted]
    if not columns:
        return None, 0.0
    kept = [float(probabilities[index]) for index in columns]
    total = sum(kept)
    best = max(range(len(kept)), key=kept.__getitem__)  # the first of equals, as argmax
    known_share = len(columns) / len(wanted)
    return labels[columns[best]], kept[best] / total * known_share if total > 0 else 0.0


class LocalTriager:
    """The default engine: the tenant's category model (or the starter), the starter's
    priority head and the tenant's knowledge index; no network."""

    def __init__(
        self,
        category_model: CategoryModel,
        priority_model: CategoryModel | None,
        model_version: str,
        categories: Sequence[str],
        knowledge: KnowledgeIndex,
    ) -> None:
        self.category_model = category_model
        self.priority_model = priority_model
        self.model_version = model_version
        self.categories = list(categories)
        self.knowledge = knowledge

    def triage(self, ticket: TicketText) -> Triage:
        category, probability = best_allowed(self.category_model, ticket.text, self.categories)
        match = self.knowledge.best_match(ticket.text, category)
        return Triage(
            category=category,
            category_confidence=probability,
            suggested_response=match.source.reply if match else None,
            confidence=probability * match.quality if match else 0.0,
            suggested_priority=self._priority(ticket),
            engine=LOCAL_ENGINE,
            model_version=self.model_version,
            source=match.as_dict() if match else None,
        )

    def _priority(self, ticket: TicketText) -> str | None:
        if self.priority_model is None:
            return None
        return self.priority_model.predict([ticket.text])[0].label

    def matches(self, ticket: TicketText, category: str | None) -> list[Match]:
        return self.knowledge.matches(ticket.text, category)
