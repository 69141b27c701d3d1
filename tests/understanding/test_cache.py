"""The model cache: keyed by data and settings, reused when equal, one load per process."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from resolution_agent.agent.understanding.classifier import (
    EmbeddingIntentClassifier,
    IntentModelManager,
    LabelledTexts,
    TrainConfig,
    read_labelled_csv,
    store,
)
from resolution_agent.tools.errors import ConfigurationError
from tests.understanding.conftest import TINY, HashingEncoder


@pytest.fixture
def tiny() -> LabelledTexts:
    return read_labelled_csv(TINY)


def test_same_data_reuses_the_cached_model(
    tmp_path: Path, tiny: LabelledTexts, fake_encoder: HashingEncoder
) -> None:
    first = IntentModelManager(tmp_path, fake_encoder).build(tiny)
    assert not first.reused
    calls = fake_encoder.calls
    store.forget_all()  # as a new process would
    again = IntentModelManager(tmp_path, fake_encoder).build(read_labelled_csv(TINY))
    assert again.reused
    assert again.folder == first.folder
    assert fake_encoder.calls == calls, "a cached model must not embed its training data again"


def test_changed_data_trains_a_new_model(
    tmp_path: Path, tiny: LabelledTexts, fake_encoder: HashingEncoder
) -> None:
    manager = IntentModelManager(tmp_path, fake_encoder)
    first = manager.build(tiny)
    more = LabelledTexts.of(
        [*zip(tiny.texts, tiny.labels, strict=True), ("my card never arrived", "card_arrival")]
    )
    second = manager.build(more)
    assert not second.reused
    assert second.model.key != first.model.key
    assert sorted(p.name for p in (tmp_path / "intents").iterdir()) == sorted(
        [first.model.key, second.model.key]
    )


def test_changed_settings_or_encoder_change_the_key(
    tmp_path: Path, tiny: LabelledTexts, fake_encoder: HashingEncoder
) -> None:
    base = IntentModelManager(tmp_path, fake_encoder).key_for(tiny)
    tuned = IntentModelManager(tmp_path, fake_encoder, TrainConfig(c=1.0)).key_for(tiny)
    other = IntentModelManager(tmp_path, HashingEncoder(dimension=64)).key_for(tiny)
    assert len({base, tuned, other}) == 3


def test_saved_model_predicts_exactly_like_the_trained_one(
    tmp_path: Path, tiny: LabelledTexts, fake_encoder: HashingEncoder
) -> None:
    built = IntentModelManager(tmp_path, fake_encoder).build(tiny)
    loaded = store.load_model(built.folder)
    texts = ["my card was stolen", "what's the euro rate", "zzzz qqqq"]
    vectors = fake_encoder.encode(texts)
    assert np.allclose(
        built.model.probabilities(vectors, texts), loaded.probabilities(vectors, texts)
    )
    assert loaded.predict(vectors, texts) == built.model.predict(vectors, texts)
    assert not list(tmp_path.glob("intents/.*.tmp")), "no staging folder may be left behind"


def test_a_folder_is_loaded_once_per_process(
    tmp_path: Path, tiny: LabelledTexts, fake_encoder: HashingEncoder
) -> None:
    built = IntentModelManager(tmp_path, fake_encoder).build(tiny)
    store.forget_all()
    assert store.load_cached(built.folder) is store.load_cached(built.folder)


def test_custom_training_becomes_active_and_default_restores_fixtures(
    tmp_path: Path, tiny: LabelledTexts, fake_encoder: HashingEncoder
) -> None:
    manager = IntentModelManager(tmp_path, fake_encoder)
    default = LabelledTexts.of(list(zip(tiny.texts, tiny.labels, strict=True))[:24])
    custom = manager.train_and_activate(tiny, default=False)
    assert manager.active(lambda: default).key == custom.model.key
    pointer = json.loads((tmp_path / "intents" / "active.json").read_text())
    assert pointer["key"] == custom.model.key
    manager.train_and_activate(default, default=True)
    assert not (tmp_path / "intents" / "active.json").exists()
    assert manager.active(lambda: default).key == manager.key_for(default)


def test_a_missing_active_model_is_a_clear_error(
    tmp_path: Path, tiny: LabelledTexts, fake_encoder: HashingEncoder
) -> None:
    manager = IntentModelManager(tmp_path, fake_encoder)
    store.write_active(tmp_path, "0123456789abcdef")
    with pytest.raises(ConfigurationError, match="resolve intents train"):
        manager.active(lambda: tiny)


def test_nothing_is_trained_or_embedded_until_first_use(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    classifier = EmbeddingIntentClassifier(tmp_path / "models", TINY, encoder=fake_encoder)
    assert fake_encoder.calls == 0
    assert not (tmp_path / "models").exists()
    assert not classifier.is_built()
    prediction = classifier.classify_sync("my card was stolen on the bus")
    assert prediction.source == "embedding"
    assert (tmp_path / "models" / "intents").is_dir()
    assert classifier.is_built()


def test_training_report_and_thresholds_are_sane(
    tmp_path: Path, tiny: LabelledTexts, fake_encoder: HashingEncoder
) -> None:
    model = IntentModelManager(tmp_path, fake_encoder).build(tiny).model
    report = model.report
    assert (report.rows, report.classes) == (36, 6)
    assert 0.0 <= report.cv_accuracy <= 1.0
    assert 0.0 <= report.ece_calibrated <= 1.0
    assert model.temperature > 0
    assert 0.3 <= model.rule.min_similarity <= 0.42
    assert dataclasses.asdict(model.report)["source"] == str(TINY)
