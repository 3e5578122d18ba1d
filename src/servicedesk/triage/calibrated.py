"""A linear SVM with one softmax temperature: the classifier of the category model.

Its own module because it is a scikit-learn estimator (a `Pipeline` step needs
`BaseEstimator`'s tags), and scikit-learn is imported only where a model is trained or
loaded (`servicedesk.triage.model`). Stored models refer to it by this module's path.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.svm import LinearSVC

from servicedesk.triage.softmax import log_softmax, softmax

TEMPERATURE_BOUNDS = (1e-3, 100.0)
# The temperature that fits the out-of-fold margins best proved 10-25% sharper than the
# one that fits tickets the model never saw (Endava tickets, 100 to 1,000 examples,
# docs/triage.md): it is tempered by this factor, erring towards modest confidence.
TEMPERATURE_SHRINK = 0.85
# From this many examples one held-out fold gives the temperature (thousands of margins
# for one number) and the other four are not trained: each fold's SVM costs as much as
# the final one (25 s at 50,000 tickets on two cores).
ONE_FOLD_FROM = 10_000


class TemperatureCalibratedSVC(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """A linear SVM (one-vs-rest, balanced class weights) whose margins become
    probabilities as softmax(temperature × margins).

    The temperature is the one that best predicts (least log loss) out-of-fold margins:
    five SVMs, each trained without a fifth of the examples, score that fifth (from
    ONE_FOLD_FROM examples, one such SVM and its fifth). Where the
    fold models guess badly, as on a few examples, the temperature is low and every
    confidence is modest; with many examples it sharpens. Stratified folds when every
    label has five examples, else plain shuffled folds; a label a fold never saw scores
    that fold's lowest margin there. Any label with one example or more is kept."""

    def __init__(self, C: float = 1.0, folds: int = 5) -> None:  # noqa: N803 (sklearn's name)
        self.C = C
        self.folds = folds

    def fit(self, features: Any, labels: Sequence[str]) -> TemperatureCalibratedSVC:
        truth = np.asarray(labels)
        self.classes_ = np.unique(truth)
        margins, seen = self._out_of_fold_margins(features, truth)
        rows = np.flatnonzero(seen)
        columns = np.searchsorted(self.classes_, truth[rows])

        def log_loss(temperature: float) -> float:
            scaled = temperature * margins[rows]
            return float(-log_softmax(scaled)[np.arange(len(rows)), columns].mean())

        fitted = minimize_scalar(log_loss, bounds=TEMPERATURE_BOUNDS, method="bounded").x
        self.temperature_ = TEMPERATURE_SHRINK * float(fitted) if len(rows) else 1.0
        self.svm_ = self._svm().fit(features, truth)
        return self

    def _svm(self) -> Any:
        return LinearSVC(C=self.C, class_weight="balanced")

    def _out_of_fold_margins(
        self, features: Any, truth: np.ndarray[Any, Any]
    ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Each example's margins from an SVM that did not see it; `seen` is False for
        examples whose fold had a single label to train on."""
        margins = np.zeros((len(truth), len(self.classes_)))
        seen = np.zeros(len(truth), dtype=bool)
        smallest = int(np.unique(truth, return_counts=True)[1].min())
        folds = min(self.folds, len(truth))
        splitter = (
            StratifiedKFold(folds, shuffle=True, random_state=0)
            if smallest >= folds
            else KFold(folds, shuffle=True, random_state=0)
        )
        runs = 1 if len(truth) >= ONE_FOLD_FROM else folds
        for train, held_out in itertools.islice(splitter.split(np.zeros(len(truth)), truth), runs):
            if len(np.unique(truth[train])) < 2:
                continue
            svm = self._svm().fit(features[train], truth[train])
            margins[held_out] = self._margins(svm, features[held_out])
            seen[held_out] = True
        return margins, seen

    def _margins(self, svm: Any, features: Any) -> np.ndarray[Any, Any]:
        """Margins in `classes_` order; a label `svm` was not trained on gets each
        row's lowest margin."""
        found = svm.decision_function(features)
        if found.ndim == 1:  # two labels: one margin, positive for the second
            found = np.column_stack([-found, found])
        if len(svm.classes_) == len(self.classes_):
            return np.asarray(found, dtype=float)
        full = np.repeat(found.min(axis=1, keepdims=True), len(self.classes_), axis=1)
        full[:, np.searchsorted(self.classes_, svm.classes_)] = found
        return full

    def decision_function(self, features: Any) -> np.ndarray[Any, Any]:
        return self._margins(self.svm_, features)

    def predict_proba(self, features: Any) -> np.ndarray[Any, Any]:
        return softmax(self.temperature_ * self.decision_function(features))

    def predict(self, features: Any) -> np.ndarray[Any, Any]:
        result: np.ndarray[Any, Any] = self.classes_[self.decision_function(features).argmax(1)]
        return result
