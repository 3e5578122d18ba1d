"""The local category model: TF-IDF word and character n-grams, a linear SVM, and
probabilities calibrated on held-out folds so that a confidence means what it says.

Word bigrams catch phrases ("access request", "new laptop"); character n-grams within
words catch misspellings, inflections and product names. The SVM's margins are turned
into probabilities by sigmoid calibration over cross-validation folds
(`CalibratedClassifierCV`), which is what makes "0.9" right about nine times in ten.

scikit-learn and SciPy are imported where they are used, not with this module: they take
over a second to import, and a server answers requests before its first model loads.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from servicedesk.triage import tfidf
from servicedesk.triage.text import normalise
from servicedesk.triage.tfidf import SparseTfidf

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline

MODEL_KIND = "tfidf-word12-char25-linearsvc-sigmoid"
WORDS_MODEL_KIND = "tfidf-word12-linearsvc-sigmoid"
CALIBRATION_FOLDS = 5


@dataclass(frozen=True, slots=True)
class Prediction:
    label: str
    confidence: float


class CategoryModel:
    """A trained classifier from ticket text to one of the labels it was trained on."""

    def __init__(self, pipeline: Pipeline, kind: str) -> None:
        self.pipeline = pipeline
        self.kind = kind
        self._fast = _FastLinear.of(pipeline)

    @property
    def labels(self) -> list[str]:
        return [str(label) for label in self.pipeline.classes_]

    def probabilities(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        """Class probabilities, columns in `labels` order: the arithmetic of
        `pipeline.predict_proba` (tested equal), without its overheads (`_FastLinear`)."""
        normalised = [normalise(text) for text in texts]
        if self._fast is not None:
            return np.vstack([self._fast.probabilities(text) for text in normalised])
        import sklearn

        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            result: np.ndarray[Any, Any] = self.pipeline.named_steps["classifier"].predict_proba(
                self._features(normalised)
            )
        return result

    def _features(self, normalised: list[str]) -> Any:
        from scipy.sparse import hstack
        from sklearn.pipeline import FeatureUnion

        step = self.pipeline.named_steps["features"]
        if isinstance(step, FeatureUnion):
            parts = [transformer.transform(normalised) for _, transformer in step.transformer_list]
            return hstack(parts, format="csr")
        return step.transform(normalised)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        probabilities = self.probabilities(texts)
        best = probabilities.argmax(axis=1)
        return [
            Prediction(self.labels[index], float(row[index]))
            for index, row in zip(best, probabilities, strict=True)
        ]

    def to_bytes(self) -> bytes:
        import joblib

        buffer = io.BytesIO()
        joblib.dump({"kind": self.kind, "pipeline": self.pipeline}, buffer)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> CategoryModel:
        # Only models this service trained and stored itself are loaded (pickle format).
        import joblib

        stored = joblib.load(io.BytesIO(data))
        return cls(stored["pipeline"], stored["kind"])


class _FastLinear:
    """A calibrated linear SVM over TF-IDF blocks, evaluated directly for one text.

    sklearn's `predict_proba` re-validates its input at every step (check_array and
    dataframe detection were half the time for one ticket): this does the same sums —
    term counts, sublinear tf, idf, l2 norm per block, the SVM's decision, each class's
    sigmoid, the row normalisation — with numpy on the few features a ticket has.
    """

    def __init__(self, vectorizers: list[TfidfVectorizer], classifier: Any) -> None:
        calibrated = classifier.calibrated_classifiers_[0]
        self.blocks: list[tuple[SparseTfidf, int]] = []
        offset = 0
        for vectorizer in vectorizers:
            self.blocks.append((SparseTfidf.of(vectorizer), offset))
            offset += len(vectorizer.vocabulary_)
        svm = calibrated.estimator
        self.weights = np.ascontiguousarray(svm.coef_.T)
        self.intercept = np.asarray(svm.intercept_, dtype=float)
        self.a = np.array([calibrator.a_ for calibrator in calibrated.calibrators])
        self.b = np.array([calibrator.b_ for calibrator in calibrated.calibrators])

    @classmethod
    def of(cls, pipeline: Pipeline) -> _FastLinear | None:
        """The fast path for the model `train` makes; None for any other shape."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.pipeline import FeatureUnion
        from sklearn.svm import LinearSVC

        features = pipeline.named_steps.get("features")
        classifier = pipeline.named_steps.get("classifier")
        vectorizers = (
            [step for _, step in features.transformer_list]
            if isinstance(features, FeatureUnion)
            else [features]
        )
        usable = (
            isinstance(classifier, CalibratedClassifierCV)
            and len(getattr(classifier, "calibrated_classifiers_", [])) == 1
            and classifier.method == "sigmoid"
            and isinstance(classifier.calibrated_classifiers_[0].estimator, LinearSVC)
            and len(classifier.classes_) > 2
            and all(tfidf.supported(vectorizer) for vectorizer in vectorizers)
        )
        return cls(vectorizers, classifier) if usable else None

    def probabilities(self, text: str) -> np.ndarray[Any, Any]:
        indices: list[np.ndarray[Any, Any]] = []
        values: list[np.ndarray[Any, Any]] = []
        for block, offset in self.blocks:
            found, weights = block.vector(text)
            indices.append(found + offset)
            values.append(weights)
        decision = self.intercept.copy()
        decision += np.concatenate(values) @ self.weights[np.concatenate(indices)]
        probability = 1.0 / (1.0 + np.exp(self.a * decision + self.b))
        total = probability.sum()
        if total == 0:
            return np.full_like(probability, 1.0 / len(probability))
        result: np.ndarray[Any, Any] = probability / total
        return result


def _features() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union

    return make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
    )


def _word_features() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)


def train(
    texts: Sequence[str], labels: Sequence[str], *, words_only: bool = False
) -> CategoryModel:
    """Fit the category model; every label needs at least CALIBRATION_FOLDS examples.

    `words_only` leaves out the character n-grams, which are most of the cost of a
    prediction: for a secondary head (the suggested priority) where speed matters more."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    classifier = CalibratedClassifierCV(
        LinearSVC(C=0.3, class_weight="balanced"),
        cv=CALIBRATION_FOLDS,
        method="sigmoid",
        # One SVM trained on everything, calibrated on out-of-fold scores: a fifth of
        # the prediction cost of averaging the five fold models.
        ensemble=False,
    )
    features = _word_features() if words_only else _features()
    pipeline = Pipeline([("features", features), ("classifier", classifier)])
    pipeline.fit([normalise(text) for text in texts], list(labels))
    return CategoryModel(pipeline, WORDS_MODEL_KIND if words_only else MODEL_KIND)


def train_baseline(texts: Sequence[str], labels: Sequence[str]) -> CategoryModel:
    """The plain reference: default TF-IDF and logistic regression, for comparison only."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    pipeline = Pipeline(
        [("features", TfidfVectorizer()), ("classifier", LogisticRegression(max_iter=1000))]
    )
    pipeline.fit([normalise(text) for text in texts], list(labels))
    return CategoryModel(pipeline, "baseline-tfidf-logreg")
