"""The detectors' model cache: trained once, loaded after, and a damaged cache never stops
the agent (it is deleted and trained again from the shipped text)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from resolution_agent.agent.guards.detector import DetectorConfig, DetectorModel, _store
from resolution_agent.agent.guards.detector._model import CrossValidation


def _model(weight: float) -> DetectorModel:
    return DetectorModel(
        weights=np.full(4, weight, dtype=np.float32),
        intercept=-0.5,
        threshold=0.8,
        config=DetectorConfig(),
        validation=CrossValidation(threshold=0.8, benign_fp=0.001, attack_recall=0.95),
        key="",
    )


class _Trainer:
    def __init__(self, weight: float) -> None:
        self.weight, self.calls = weight, 0

    def __call__(self) -> DetectorModel:
        self.calls += 1
        return _model(self.weight)


def test_a_model_is_trained_once_then_loaded_with_its_key(tmp_path: Path) -> None:
    folder = tmp_path / "injection" / "abc"
    trainer = _Trainer(1.0)
    first = _store.load_or_train(folder, "abc", trainer, what="test_detector")
    second = _store.load_or_train(folder, "abc", _Trainer(9.0), what="test_detector")
    assert trainer.calls == 1
    assert first.key == second.key == "abc"
    assert np.array_equal(second.weights, np.full(4, 1.0, dtype=np.float32))


def test_a_damaged_cache_is_deleted_and_trained_again(tmp_path: Path) -> None:
    folder = tmp_path / "injection" / "abc"
    _store.load_or_train(folder, "abc", _Trainer(1.0), what="test_detector")
    (folder / "model.npz").write_bytes(b"not a zip file")
    retrainer = _Trainer(2.0)
    model = _store.load_or_train(folder, "abc", retrainer, what="test_detector")
    assert retrainer.calls == 1
    assert np.array_equal(model.weights, np.full(4, 2.0, dtype=np.float32))
    assert _store.is_complete(folder)
