"""The local category model: TF-IDF word and character n-grams, a linear SVM, and
probabilities calibrated on held-out folds so that a confidence means what it says.

Word bigrams catch phrases ("access request", "new laptop"); character n-grams within
words catch misspellings, inflections and product names. The SVM's margins become
probabilities through one softmax temperature fitted on out-of-fold margins
(`calibrated.TemperatureCalibratedSVC`): one number learns from every example of every class, so
it stays honest on a young tenant's few examples (a label with a single example is
kept), where a sigmoid per class needs five of each. Models stored before it
(`CalibratedClassifierCV`, a sigmoid per class) still load and predict.

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
from servicedesk.triage.softmax import softmax
from servicedesk.triage.text import normalise
from servicedesk.triage.tfidf import SparseTfidf

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline

MODEL_KIND = "tfidf-word12-char25-linearsvc-temperature"
WORDS_MODEL_KIND = "tfidf-word12-linearsvc-temperature"
CALIBRATION_FOLDS = 5
SVM_C = 0.3
# Below this many examples a term seen once is kept (a young tenant's vocabulary is all
# it has); above it, terms need two documents, which keeps large models small and fast.
MIN_DF_FROM = 5_000


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
        self._labels = tuple(str(label) for label in pipeline.classes_)

    @property
    def labels(self) -> list[str]:
        return list(self._labels)

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
            Prediction(self._labels[index], float(row[index]))
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
        self.blocks: list[tuple[SparseTfidf, int]] = []
        offset = 0
        for vectorizer in vectorizers:
            self.blocks.append((SparseTfidf.of(vectorizer), offset))
            offset += len(vectorizer.vocabulary_)
        # Either one temperature over a softmax, or (models stored before it) a
        # sigmoid per class, then normalised.
        from servicedesk.triage.calibrated import TemperatureCalibratedSVC

        self.temperature: float | None = None
        if isinstance(classifier, TemperatureCalibratedSVC):
            svm = classifier.svm_
            self.temperature = classifier.temperature_
        else:
            calibrated = classifier.calibrated_classifiers_[0]
            svm = calibrated.estimator
            self.a = np.array([calibrator.a_ for calibrator in calibrated.calibrators])
            self.b = np.array([calibrator.b_ for calibrator in calibrated.calibrators])
        self.weights = np.ascontiguousarray(svm.coef_.T)
        self.intercept = np.asarray(svm.intercept_, dtype=float)

    @classmethod
    def of(cls, pipeline: Pipeline) -> _FastLinear | None:
        """The fast path for the model `train` makes; None for any other shape."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.pipeline import FeatureUnion
        from sklearn.svm import LinearSVC

        from servicedesk.triage.calibrated import TemperatureCalibratedSVC

        features = pipeline.named_steps.get("features")
        classifier = pipeline.named_steps.get("classifier")
        vectorizers = (
            [step for _, step in features.transformer_list]
            if isinstance(features, FeatureUnion)
            else [features]
        )
        sigmoids = (
            isinstance(classifier, CalibratedClassifierCV)
            and len(getattr(classifier, "calibrated_classifiers_", [])) == 1
            and classifier.method == "sigmoid"
            and isinstance(classifier.calibrated_classifiers_[0].estimator, LinearSVC)
        )
        usable = (
            (sigmoids or isinstance(classifier, TemperatureCalibratedSVC))
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
        if self.temperature is not None:
            softened: np.ndarray[Any, Any] = softmax(self.temperature * decision[np.newaxis, :])[0]
            return softened
        probability = 1.0 / (1.0 + np.exp(self.a * decision + self.b))
        total = probability.sum()
        if total == 0:
            return np.full_like(probability, 1.0 / len(probability))
        result: np.ndarray[Any, Any] = probability / total
        return result


def _features(min_df: int) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union

    return make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=min_df),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=min_df),
    )


def _word_features() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)


def train(
    texts: Sequence[str], labels: Sequence[str], *, words_only: bool = False
) -> CategoryModel:
    """Fit the category model on at least two labels (one example each is enough).

    `words_only` leaves out the character n-grams, which are most of the cost of a
    prediction: for a secondary head (the suggested priority) where speed matters more."""
    from sklearn.pipeline import Pipeline

    from servicedesk.triage.calibrated import TemperatureCalibratedSVC

    min_df = 2 if len(texts) >= MIN_DF_FROM else 1
    features = _word_features() if words_only else _features(min_df)
    classifier = TemperatureCalibratedSVC(C=SVM_C, folds=CALIBRATION_FOLDS)
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
