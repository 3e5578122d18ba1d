"""How good a category model is: accuracy, macro-F1, per-class scores, calibration and
latency, the numbers `servicedesk triage eval` prints."""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from servicedesk.triage.model import CategoryModel

CALIBRATION_BINS = 10
LATENCY_SAMPLE = 500


@dataclass(frozen=True, slots=True)
class ClassScores:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """Tickets whose confidence fell in (lower, upper]: how sure, and how often right."""

    lower: float
    upper: float
    count: int
    mean_confidence: float
    accuracy: float


@dataclass
class Report:
    model: str
    n_train: int
    n_test: int
    accuracy: float
    macro_f1: float
    ece: float
    latency_ms_p50: float
    latency_ms_p99: float
    train_seconds: float
    per_class: list[ClassScores] = field(default_factory=list)
    calibration: list[CalibrationBin] = field(default_factory=list)
    baseline: Report | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def calibration_table(
    confidences: np.ndarray[Any, Any], correct: np.ndarray[Any, Any], bins: int = CALIBRATION_BINS
) -> tuple[float, list[CalibrationBin]]:
    """Expected calibration error (the count-weighted gap between confidence and
    accuracy over equal-width bins) and the bins themselves."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    table: list[CalibrationBin] = []
    error = 0.0
    for lower, upper in itertools.pairwise(edges):
        inside = (confidences > lower) & (confidences <= upper)
        count = int(inside.sum())
        if count == 0:
            continue
        confidence = float(confidences[inside].mean())
        accuracy = float(correct[inside].mean())
        error += count / len(confidences) * abs(accuracy - confidence)
        table.append(CalibrationBin(float(lower), float(upper), count, confidence, accuracy))
    return error, table


def evaluate(
    model: CategoryModel,
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    n_train: int,
    train_seconds: float,
) -> Report:
    probabilities = model.probabilities(texts)
    classes = np.array(model.labels)
    predicted = classes[probabilities.argmax(axis=1)]
    truth = np.array(list(labels))
    ece, table = calibration_table(probabilities.max(axis=1), predicted == truth)
    p50, p99 = _latency_ms(model, texts)
    return Report(
        model=model.kind,
        n_train=n_train,
        n_test=len(truth),
        accuracy=float(accuracy_score(truth, predicted)),
        macro_f1=float(f1_score(truth, predicted, average="macro")),
        ece=ece,
        latency_ms_p50=p50,
        latency_ms_p99=p99,
        train_seconds=round(train_seconds, 2),
        per_class=_per_class(truth, predicted),
        calibration=table,
    )


def _per_class(truth: np.ndarray[Any, Any], predicted: np.ndarray[Any, Any]) -> list[ClassScores]:
    labels = sorted(set(truth))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    return [
        ClassScores(label, float(p), float(r), float(f), int(s))
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    ]


def _latency_ms(model: CategoryModel, texts: Sequence[str]) -> tuple[float, float]:
    """Per-ticket latency as triage on create sees it: one ticket at a time."""
    timings = []
    for text in texts[:LATENCY_SAMPLE]:
        started = time.perf_counter()
        model.predict([text])
        timings.append((time.perf_counter() - started) * 1000)
    if not timings:
        return 0.0, 0.0
    p50, p99 = np.percentile(timings, [50, 99])
    return round(float(p50), 3), round(float(p99), 3)
