"""The embedding classifier with the real MiniLM model on the tiny fixture (slow: opens torch)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import numpy as np
import pytest

from resolution_agent.agent.state import IntentPrediction
from resolution_agent.agent.understanding.base import IntentClassifier
from resolution_agent.agent.understanding.classifier import (
    OUT_OF_SCOPE,
    EmbeddingIntentClassifier,
    MiniLMEncoder,
    read_labelled_csv,
)
from resolution_agent.agent.understanding.classifier.embedding import Matrix
from tests.understanding.conftest import TINY

pytestmark = pytest.mark.slow

GIBBERISH = ["asdkjh qwe zzz", "blorp snarfle wibble", "fjdksla;fjdk", "purple monkey dishwasher"]


class ThreadRecordingEncoder:
    """Wraps the real encoder and notes which thread each call ran on."""

    def __init__(self, inner: MiniLMEncoder) -> None:
        self.inner = inner
        self.threads: list[int] = []

    @property
    def identity(self) -> str:
        return self.inner.identity

    def encode(self, texts: list[str]) -> Matrix:
        self.threads.append(threading.get_ident())
        return self.inner.encode(texts)


@pytest.fixture
def classifier(tmp_path: Path, minilm: MiniLMEncoder) -> EmbeddingIntentClassifier:
    return EmbeddingIntentClassifier(tmp_path / "models", TINY, encoder=minilm)


def test_fills_the_intent_classifier_protocol(classifier: EmbeddingIntentClassifier) -> None:
    protocol: IntentClassifier = classifier
    assert callable(protocol.classify)


def test_recognises_in_scope_messages(classifier: EmbeddingIntentClassifier) -> None:
    cases = {
        "I've been waiting two weeks and my card still hasn't arrived": "card_arrival",
        "help, somebody stole my card": "lost_or_stolen_card",
        "what's the dollar to pound rate": "exchange_rate",
        "my PIN got blocked at the ATM": "pin_blocked",
    }
    for text, intent in cases.items():
        prediction = classifier.classify_sync(text)
        assert prediction.intent == intent, (text, prediction)
        assert prediction.source == "embedding"


def test_calibrated_probabilities_are_distributions(
    classifier: EmbeddingIntentClassifier, minilm: MiniLMEncoder
) -> None:
    model = classifier.model()
    texts = ["my card is lost", "hello", *GIBBERISH]
    probs = model.probabilities(minilm.encode(texts), texts)
    assert probs.shape == (len(texts), len(model.labels))
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert (probs >= 0).all() and (probs <= 1).all()
    for prediction in classifier.classify_many(texts):
        scores = [prediction.confidence, *(a.score for a in prediction.alternatives)]
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert sum(scores) <= 1.0 + 1e-3


def test_gibberish_is_out_of_scope(classifier: EmbeddingIntentClassifier) -> None:
    for text in GIBBERISH:
        prediction = classifier.classify_sync(text)
        assert prediction.intent == OUT_OF_SCOPE, (text, prediction)
        assert OUT_OF_SCOPE not in [a.intent for a in prediction.alternatives]


def test_alternatives_are_ranked_and_distinct(classifier: EmbeddingIntentClassifier) -> None:
    prediction = classifier.classify_sync("my card is lost and the new one never arrived")
    scores = [a.score for a in prediction.alternatives]
    intents = [prediction.intent, *(a.intent for a in prediction.alternatives)]
    assert len(prediction.alternatives) == 3
    assert scores == sorted(scores, reverse=True)
    assert prediction.confidence >= scores[0]
    assert len(set(intents)) == len(intents)
    assert set(intents[:2]) == {"card_arrival", "lost_or_stolen_card"}


async def test_classify_runs_off_the_event_loop(tmp_path: Path, minilm: MiniLMEncoder) -> None:
    encoder = ThreadRecordingEncoder(minilm)
    classifier = EmbeddingIntentClassifier(tmp_path / "models", TINY, encoder=encoder)
    await classifier.warm_up()
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    encoder.threads.clear()
    results = await asyncio.gather(*(classifier.classify("where is my card") for _ in range(4)))
    task.cancel()
    assert all(isinstance(r, IntentPrediction) for r in results)
    assert encoder.threads and threading.get_ident() not in encoder.threads
    assert ticks > 4, "the event loop must keep running while messages are embedded"


def test_custom_data_becomes_the_active_model(tmp_path: Path, minilm: MiniLMEncoder) -> None:
    classifier = EmbeddingIntentClassifier(tmp_path / "models", TINY, encoder=minilm)
    custom = read_labelled_csv(TINY)
    built = classifier.manager.train_and_activate(custom, default=False)
    fresh = EmbeddingIntentClassifier(tmp_path / "models", tmp_path / "absent.csv", encoder=minilm)
    assert fresh.model().key == built.model.key
