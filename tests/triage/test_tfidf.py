"""SparseTfidf against scikit-learn's own `transform`, word by word memory included."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from servicedesk.triage.tfidf import SparseTfidf, WordTerms

CORPUS = [
    "printer jammed on the second floor",
    "VPN disconnects every ten minutes",
    "password reset for the payroll portal",
    "new laptop for the new starter",
    "Outlook keeps asking for my password",
    "café wifi drops, Zürich office",
]
PROBES = [
    "The PRINTER is jammed!!",
    "vpn   disconnects\tagain\nand again",
    "Zürich café: wifi",
    "a b c",  # words shorter than the n-grams
    "",
    "zzzz qqqq",  # nothing known
    "password password password reset",
]


def dense(vectorizer: TfidfVectorizer, sparse: SparseTfidf, text: str) -> np.ndarray:
    indices, weights = sparse.vector(text)
    row = np.zeros(len(vectorizer.vocabulary_))
    row[indices] = weights
    return row


@pytest.mark.parametrize(
    "settings",
    [
        {"analyzer": "char_wb", "ngram_range": (2, 5)},
        {"analyzer": "word", "ngram_range": (1, 2)},
    ],
    ids=["char_wb", "word"],
)
def test_a_vector_equals_transform_on_first_sight_and_from_memory(settings: dict) -> None:
    vectorizer = TfidfVectorizer(sublinear_tf=True, **settings).fit(CORPUS)
    sparse = SparseTfidf.of(vectorizer)
    expected = vectorizer.transform(PROBES).toarray()
    for _ in range(2):  # the second pass finds every word remembered
        for text, row in zip(PROBES, expected, strict=True):
            assert np.allclose(dense(vectorizer, sparse, text), row), text


def test_char_ngrams_within_words_are_remembered_per_word() -> None:
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    vectorizer.fit(CORPUS)
    sparse = SparseTfidf.of(vectorizer)
    assert isinstance(sparse.terms, WordTerms)
    sparse.vector("Printer jammed, printer")
    assert set(sparse.terms._words) == {"printer", "jammed,"}


def test_the_word_memory_is_bounded_and_stays_exact() -> None:
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    vectorizer.fit(CORPUS)
    terms = WordTerms(vectorizer, limit=3)
    sparse = SparseTfidf(terms, vectorizer.idf_)
    for text in [*PROBES, *CORPUS, *PROBES]:
        assert np.allclose(
            dense(vectorizer, sparse, text), vectorizer.transform([text]).toarray()[0]
        )
        assert len(terms._words) <= 3
