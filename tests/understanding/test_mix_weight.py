"""The channel mix is chosen on held-out folds of the training data, never on evaluation data."""

from __future__ import annotations

import numpy as np

from resolution_agent.agent.understanding.classifier import TrainConfig
from resolution_agent.agent.understanding.classifier.training import _best_weight


def test_the_weight_that_fixes_the_semantic_channels_mistakes_wins() -> None:
    targets = np.array([0, 1, 0, 1])
    # The semantic channel is wrong on the last row and the lexical channel right: a share of
    # 0.1 does not overturn it, 0.5 and 0.9 both do, and the lower of those wins.
    semantic = np.log(np.array([[0.9, 0.1], [0.1, 0.9], [0.9, 0.1], [0.8, 0.2]]))
    lexical = np.log(np.array([[0.6, 0.4], [0.4, 0.6], [0.6, 0.4], [0.1, 0.9]]))
    config = TrainConfig(lexical_weights=(0.1, 0.5, 0.9))
    assert _best_weight(semantic, lexical, targets, config) == 0.5  # ties: the lower weight


def test_no_candidate_better_than_the_first_keeps_the_lowest() -> None:
    targets = np.array([0, 1])
    both = np.log(np.array([[0.9, 0.1], [0.1, 0.9]]))
    assert _best_weight(both, both, targets, TrainConfig(lexical_weights=(0.4, 0.2))) == 0.2
