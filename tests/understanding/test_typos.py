"""Seeded misspellings (benchmark noise and training augmentation) and training with them."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from resolution_agent.agent.understanding.classifier import (
    TrainConfig,
    read_labelled_csv,
    store,
    train_model,
)
from resolution_agent.agent.understanding.classifier.typos import TYPO_KINDS, perturb
from tests.understanding.conftest import TINY, HashingEncoder

MESSAGE = "I have not received the money you sent to my account yesterday, please check"


@pytest.mark.parametrize("kind", TYPO_KINDS)
def test_the_same_seed_gives_the_same_misspelling(kind: str) -> None:
    first = perturb(MESSAGE, kind, random.Random(7), rate=0.5)  # type: ignore[arg-type]
    again = perturb(MESSAGE, kind, random.Random(7), rate=0.5)  # type: ignore[arg-type]
    assert first == again
    assert first != MESSAGE


def test_swap_and_drop_keep_first_letters_and_change_length_as_named() -> None:
    swapped = perturb(MESSAGE, "swap", random.Random(1), rate=1.0)
    dropped = perturb(MESSAGE, "drop", random.Random(1), rate=1.0)
    assert len(swapped) == len(MESSAGE)
    assert len(dropped) < len(MESSAGE)
    for original, changed in zip(MESSAGE.split(), swapped.split(), strict=True):
        assert changed[0] == original[0]
        assert sorted(changed) == sorted(original)


def test_textspeak_writes_words_as_people_text_them() -> None:
    changed = perturb("please can you send it to me tomorrow", "textspeak", random.Random(0), 1.0)
    assert changed == "pls can u send it 2 me 2moro"


def test_rate_zero_changes_nothing_and_a_bad_rate_is_refused() -> None:
    assert perturb(MESSAGE, "mixed", random.Random(0), rate=0.0) == MESSAGE
    with pytest.raises(ValueError, match="rate must be between 0 and 1"):
        perturb(MESSAGE, "mixed", random.Random(0), rate=1.5)


def test_typo_copies_teach_the_lexical_channel_misspellings_without_new_encodes() -> None:
    data = read_labelled_csv(TINY)
    plain_encoder, augmented_encoder = HashingEncoder(), HashingEncoder()
    plain = train_model(data, plain_encoder, TrainConfig(typo_copies=0))
    augmented = train_model(data, augmented_encoder, TrainConfig(typo_copies=1))

    assert plain.heads.features is not None and augmented.heads.features is not None
    learnt = set(augmented.heads.features.word_terms) - set(plain.heads.features.word_terms)
    assert learnt, "the misspelt copies add words to the lexical vocabulary"
    # the embedding side is unchanged: no extra texts encoded, the same anchors and held-out
    # figures (cross-validation runs on the rows as given)
    assert augmented_encoder.texts == plain_encoder.texts
    assert len(augmented.anchors) == len(plain.anchors) == len(data)
    assert augmented.report.cv_accuracy == plain.report.cv_accuracy


def test_a_misspelt_word_is_repaired_to_a_training_word_and_real_words_are_left_alone() -> None:
    data = read_labelled_csv(TINY)
    model = train_model(data, HashingEncoder(), TrainConfig())

    [repaired] = model.respelt(["my new crad still has not turned up, go ahead and check"])

    assert "card" in repaired.split()  # "crad" is one swap from the utterances' "card"
    assert "ahead" in repaired.split()  # not in the utterances, but a word MiniLM knows
    assert repaired.startswith("my new card still has not turned up")


def test_repair_is_part_of_the_saved_model_and_can_be_turned_off(tmp_path: Path) -> None:
    data = read_labelled_csv(TINY)
    model = train_model(data, HashingEncoder(), TrainConfig())
    store.save_model(tmp_path / "m", model)

    loaded = store.load_model(tmp_path / "m")
    off = train_model(data, HashingEncoder(), TrainConfig(spelling_min_count=0))

    assert loaded.spelling == model.spelling and loaded.spelling["card"] >= 2
    assert loaded.respelt(["where is my crad"]) == ["where is my card"]
    assert off.respelt(["where is my crad"]) == ["where is my crad"]
