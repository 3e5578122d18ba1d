"""Suggested replies: a per-tenant search index over its knowledge-base articles and the
replies its agents wrote on tickets they resolved.

The index is TF-IDF over words and word pairs; a ticket's best source by cosine
similarity is the suggestion when the similarity reaches `MIN_MATCH_SCORE`. Nothing
reaching it means no suggestion: the engine never invents an answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from servicedesk.triage.sources import Match, Source
from servicedesk.triage.text import normalise
from servicedesk.triage.tfidf import SparseTfidf

# Below this cosine similarity a source is not an answer to the ticket.
MIN_MATCH_SCORE = 0.12
# A source filed under another category than the ticket's is worth this much less.
OTHER_CATEGORY_FACTOR = 0.8


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
            from sklearn.feature_extraction.text import TfidfVectorizer  # see model.py

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
