"""Softmax over rows of scores, computed stably (numpy only)."""

from __future__ import annotations

from typing import Any

import numpy as np


def log_softmax(scores: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    shifted = scores - scores.max(axis=1, keepdims=True)
    result: np.ndarray[Any, Any] = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return result


def softmax(scores: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    result: np.ndarray[Any, Any] = np.exp(log_softmax(scores))
    return result
