"""Suggested replies: a per-tenant search index over its knowledge-base articles and the
replies its agents wrote on tickets they resolved.

The index is TF-IDF over words and word pairs; a ticket's best source by cosine
similarity is the suggestion when the similarity reaches `MIN_MATCH_SCORE`. Nothing
reaching it means no suggestion: the engine never invents an answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from servicedesk.triage.text import normalise
from servicedesk.triage.tfidf import SparseTfidf

# Below this cosine similarity a source is not an answer to the ticket.
MIN_MATCH_SCORE = 0.12
# At or above this the match counts as complete (match quality 1.0). Tickets are short
# and articles long, so even an article written for the ticket rarely scores above it.
FULL_MATCH_SCORE = 0.35
# A source filed under another category than the ticket's is worth this much less.
OTHER_CATEGORY_FACTOR = 0.8


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


class KnowledgeIndex:
    """The sources of one tenant, vectorised once; `best_match` costs one sparse product."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self.sources = list(sources)
        self._categories = np.array([source.category or "" for source in self.sources])
        self._query: SparseTfidf | None = None
        # Terms × sources: a query's few terms select rows, which CSR slices cheaply.
        self._by_term: Any = None
        texts = [normalise(source.text) for source in self.sources]
        if any(texts):
            vectorizer = TfidfVectorizer(
                ngram_range=(1, 2), sublinear_tf=True, stop_words="english"
            )
            try:
                self._by_term = vectorizer.fit_transform(texts).T.tocsr()
                self._query = SparseTfidf.of(vectorizer)
            except ValueError:  # only stop words: nothing to match on
                self._query = None

    def matches(self, text: str, category: str | None, limit: int = 3) -> list[Match]:
        """The best sources for the ticket text, best first, each above MIN_MATCH_SCORE."""
        if self._query is None:
            return []
        terms, weights = self._query.vector(normalise(text))
        if not len(terms):
            return []
        scores = np.asarray(self._by_term[terms].T @ weights).ravel()
        if category:
            elsewhere = (self._categories != "") & (self._categories != category)
            scores[elsewhere] *= OTHER_CATEGORY_FACTOR
        best = np.argsort(-scores)[:limit]
        return [
            Match(self.sources[index], float(scores[index]))
            for index in best
            if scores[index] >= MIN_MATCH_SCORE
        ]

    def best_match(self, text: str, category: str | None) -> Match | None:
        found = self.matches(text, category, limit=1)
        return found[0] if found else None
