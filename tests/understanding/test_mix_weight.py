"""The channel mix is chosen on held-out folds of the training data, never on evaluation data.

It is the weight whose calibrated out-of-fold scores are most likely: accuracy, the earlier
criterion, is flat across a wide range of weights and jumped between them as rows were added.
"""

from __future__ import annotations

import numpy as np

from resolution_agent.agent.understanding.classifier import TrainConfig
from resolution_agent.agent.understanding.classifier.calibration import (
    fit_temperature,
    negative_log_likelihood,
)
from resolution_agent.agent.understanding.classifier.training import _best_weight

GRID = (0.1, 0.3, 0.5, 0.7, 0.9)


def _calibrated_loss(
    semantic: np.ndarray, lexical: np.ndarray, targets: np.ndarray, w: float
) -> float:
    mixed = (1.0 - w) * semantic + w * lexical
    return negative_log_likelihood(mixed, targets, fit_temperature(mixed, targets))


def _channels(rows: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two noisy channels that each know the answer, each wrong on different rows."""
    rng = np.random.default_rng(seed)
    targets = rng.integers(0, 3, size=rows)
    semantic = rng.normal(0.0, 1.0, size=(rows, 3))
    lexical = rng.normal(0.0, 1.0, size=(rows, 3))
    semantic[np.arange(rows), targets] += 1.5
    lexical[np.arange(rows), targets] += 1.0
    return (
        np.log(np.exp(semantic) / np.exp(semantic).sum(1, keepdims=True)),
        np.log(np.exp(lexical) / np.exp(lexical).sum(1, keepdims=True)),
        targets,
    )


def test_the_most_likely_mix_wins() -> None:
    semantic, lexical, targets = _channels(600, seed=1)
    picked = _best_weight(semantic, lexical, targets, TrainConfig(lexical_weights=GRID))
    losses = {w: _calibrated_loss(semantic, lexical, targets, w) for w in GRID}
    assert picked == min(GRID, key=losses.__getitem__)
    # Both channels carry signal, so the best mix is a real mix, not an end of the grid.
    assert GRID[0] < picked < GRID[-1]


def test_a_few_more_rows_move_the_pick_at_most_one_step() -> None:
    semantic, lexical, targets = _channels(600, seed=1)
    config = TrainConfig()
    before = _best_weight(semantic, lexical, targets, config)
    more_s, more_l, more_t = _channels(20, seed=2)
    after = _best_weight(
        np.vstack([semantic, more_s]),
        np.vstack([lexical, more_l]),
        np.concatenate([targets, more_t]),
        config,
    )
    assert 0.0 < before < 0.8
    assert abs(after - before) <= 0.05 + 1e-9


def test_no_candidate_better_than_the_first_keeps_the_lowest() -> None:
    targets = np.array([0, 1])
    both = np.log(np.array([[0.9, 0.1], [0.1, 0.9]]))
    assert _best_weight(both, both, targets, TrainConfig(lexical_weights=(0.4, 0.2))) == 0.2
