"""Calibration: temperature scaling of logits and expected calibration error (ECE).

Why: the graph acts on the confidence (clarify below ``clarify_threshold``, a new problem above
0.8), so a 0.9 must mean right about nine times in ten. A regularised logistic head on
normalised embeddings is under-confident; one temperature, fitted on out-of-fold logits (never
on the rows the head was trained on, where it is over-confident), fixes the scale without
changing the ranking, so accuracy is untouched.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


def softmax(logits: Floats, temperature: float = 1.0) -> Floats:
    """Row-wise softmax of ``logits / temperature``, stable for large values."""
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    scaled -= scaled.max(axis=-1, keepdims=True)
    exp = np.exp(scaled)
    result: Floats = exp / exp.sum(axis=-1, keepdims=True)
    return result


def negative_log_likelihood(logits: Floats, targets: Ints, temperature: float) -> float:
    probs = softmax(logits, temperature)
    picked = probs[np.arange(len(targets)), targets]
    return float(-np.mean(np.log(np.clip(picked, 1e-12, 1.0))))


def fit_temperature(
    logits: Floats, targets: Ints, *, bounds: tuple[float, float] = (0.05, 20.0)
) -> float:
    """The temperature minimising NLL: a coarse log-grid, then golden-section refinement."""
    if len(targets) == 0:
        return 1.0
    low, high = np.log(bounds[0]), np.log(bounds[1])
    grid = np.linspace(low, high, 41)
    losses = [negative_log_likelihood(logits, targets, float(np.exp(g))) for g in grid]
    best = int(np.argmin(losses))
    a, b = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(40):
        c = b - ratio * (b - a)
        d = a + ratio * (b - a)
        if negative_log_likelihood(logits, targets, float(np.exp(c))) < negative_log_likelihood(
            logits, targets, float(np.exp(d))
        ):
            b = d
        else:
            a = c
    return float(np.exp((a + b) / 2.0))


def expected_calibration_error(
    confidences: Sequence[float] | Floats,
    correct: Sequence[bool] | NDArray[np.bool_],
    bins: int = 15,
) -> float:
    """ECE: the gap between confidence and accuracy, averaged over equal-width bins by count."""
    conf = np.asarray(confidences, dtype=np.float64)
    hit = np.asarray(correct, dtype=np.float64)
    if conf.size == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        members = which == b
        if members.any():
            total += members.sum() * abs(conf[members].mean() - hit[members].mean())
    return float(total / conf.size)
