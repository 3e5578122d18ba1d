"""TF-IDF of one text with a fitted `TfidfVectorizer`, without sklearn's per-call input
validation (which costs more than the arithmetic for a single short ticket).

Only for vectorizers with `sublinear_tf=True`, `use_idf=True`, `norm="l2"` and counts
(not binary): the settings this package fits. Tested equal to `transform`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer


def supported(vectorizer: Any) -> bool:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return (
        isinstance(vectorizer, TfidfVectorizer)
        and vectorizer.sublinear_tf
        and vectorizer.use_idf
        and vectorizer.norm == "l2"
        and not vectorizer.binary
    )


@dataclass(frozen=True, slots=True)
class SparseTfidf:
    analyzer: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray[Any, Any]

    @classmethod
    def of(cls, vectorizer: TfidfVectorizer) -> SparseTfidf:
        return cls(vectorizer.build_analyzer(), vectorizer.vocabulary_, vectorizer.idf_)

    def vector(self, text: str) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """(column indices, l2-normalised weights) of the text's known terms."""
        counts = Counter(
            index for index in map(self.vocabulary.get, self.analyzer(text)) if index is not None
        )
        indices = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        weights = np.log(np.fromiter(counts.values(), dtype=float, count=len(counts))) + 1.0
        weights *= self.idf[indices]
        norm = np.sqrt(weights @ weights)
        if norm > 0:
            weights /= norm
        return indices, weights
