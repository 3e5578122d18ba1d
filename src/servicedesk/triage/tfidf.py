"""TF-IDF of one text with a fitted `TfidfVectorizer`, without sklearn's per-call input
validation (which costs more than the arithmetic for a single short ticket).

Only for vectorizers with `sublinear_tf=True`, `use_idf=True`, `norm="l2"` and counts
(not binary): the settings this package fits. Tested equal to `transform`.

Character n-grams within words (`analyzer="char_wb"`) are the costly part: a ticket of
150 characters has some 500 of them, each a new string looked up in the vocabulary.
They depend on nothing but the word they are cut from, and tickets reuse their words,
so each word's known n-grams are remembered (`WordTerms`) and a ticket costs one lookup
per word.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

# Words remembered per vectorizer before the memory starts over, so that text made of
# ever-new words (random strings) cannot grow it without bound: 2.4 MB when full
# (measured: 12.8 MB for 50,000), for each of up to 32 cached tenant models
# (`triage.service.MODEL_CACHE_SIZE`) and the starter. A tenant's everyday words fit.
WORD_MEMORY = 10_000
NO_TERMS = np.zeros(0, dtype=np.int64)

# A text's known terms: (vocabulary indices, how often each occurs).
Counted = tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]


def supported(vectorizer: Any) -> bool:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return (
        isinstance(vectorizer, TfidfVectorizer)
        and vectorizer.sublinear_tf
        and vectorizer.use_idf
        and vectorizer.norm == "l2"
        and not vectorizer.binary
    )


class WordTerms:
    """The known character n-grams within a text's words, counted, put together word by
    word: the counts of `vocabulary.get` over a `char_wb` analyzer's n-grams."""

    def __init__(self, vectorizer: TfidfVectorizer, limit: int = WORD_MEMORY) -> None:
        self._decode = vectorizer.decode
        self._preprocess = vectorizer.build_preprocessor()
        self._ngrams = vectorizer._char_wb_ngrams
        self._vocabulary: dict[str, int] = vectorizer.vocabulary_
        self._limit = limit
        self._words: dict[str, np.ndarray[Any, Any]] = {}

    def __call__(self, text: str) -> Counted:
        words = self._preprocess(self._decode(text)).split()
        found = [self._terms_of(word) for word in words]
        every = np.concatenate(found) if found else NO_TERMS
        indices, counts = np.unique(every, return_counts=True)
        return indices, counts

    def _terms_of(self, word: str) -> np.ndarray[Any, Any]:
        terms = self._words.get(word)
        return terms if terms is not None else self._remember(word)

    def _remember(self, word: str) -> np.ndarray[Any, Any]:
        # The analyzer splits on whitespace before cutting n-grams, so one word's n-grams
        # are those of the word alone.
        lookup = self._vocabulary.get
        terms = np.array(
            [index for index in map(lookup, self._ngrams(word)) if index is not None],
            dtype=np.int64,
        )
        if len(self._words) >= self._limit:
            self._words.clear()
        self._words[word] = terms
        return terms


def _analyzed_terms(vectorizer: TfidfVectorizer) -> Callable[[str], Counted]:
    analyzer = vectorizer.build_analyzer()
    lookup = vectorizer.vocabulary_.get

    def terms(text: str) -> Counted:
        counts = Counter(index for index in map(lookup, analyzer(text)) if index is not None)
        return (
            np.fromiter(counts.keys(), dtype=np.int64, count=len(counts)),
            np.fromiter(counts.values(), dtype=float, count=len(counts)),
        )

    return terms


@dataclass(frozen=True, slots=True)
class SparseTfidf:
    terms: Callable[[str], Counted]
    idf: np.ndarray[Any, Any]

    @classmethod
    def of(cls, vectorizer: TfidfVectorizer) -> SparseTfidf:
        per_word = vectorizer.analyzer == "char_wb"
        terms = WordTerms(vectorizer) if per_word else _analyzed_terms(vectorizer)
        return cls(terms, vectorizer.idf_)

    def vector(self, text: str) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """(column indices, l2-normalised weights) of the text's known terms."""
        indices, counts = self.terms(text)
        weights = np.log(counts) + 1.0
        weights *= self.idf[indices]
        norm = np.sqrt(weights @ weights)
        if norm > 0:
            weights /= norm
        return indices, weights
