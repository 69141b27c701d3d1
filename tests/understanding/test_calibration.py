"""Temperature scaling and expected calibration error on synthetic data with known answers."""

from __future__ import annotations

import numpy as np

from resolution_agent.agent.understanding.classifier.calibration import (
    expected_calibration_error,
    fit_temperature,
    softmax,
)


def test_softmax_rows_are_distributions() -> None:
    probs = softmax(np.array([[1000.0, 0.0, -5.0], [0.1, 0.2, 0.3]]), temperature=0.5)
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert (probs >= 0).all() and (probs <= 1).all()


def test_fit_temperature_recovers_the_true_temperature() -> None:
    rng = np.random.default_rng(0)
    true_logits = rng.normal(size=(4000, 5)) * 2.0
    targets = np.array([rng.choice(5, p=p) for p in softmax(true_logits)], dtype=np.int64)
    # The model reports logits three times too small: under-confident by a temperature of 3.
    fitted = fit_temperature(true_logits / 3.0, targets)
    assert abs(fitted - 1 / 3.0) < 0.05


def test_ece_is_zero_when_confidence_matches_accuracy() -> None:
    confidences = [0.8] * 10
    correct = [True] * 8 + [False] * 2
    assert expected_calibration_error(confidences, correct) < 1e-9


def test_ece_measures_overconfidence() -> None:
    assert abs(expected_calibration_error([0.9] * 10, [True] * 5 + [False] * 5) - 0.4) < 1e-9
    assert expected_calibration_error([], []) == 0.0
