"""Fixtures: a tiny labelled CSV, a fast fake encoder, and the real MiniLM encoder (slow tests).

The fake encoder (hashed words and character trigrams) lets the cache, CSV and CLI tests train
real heads in milliseconds without torch; only tests marked ``slow`` open MiniLM, once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from resolution_agent.agent.policies import load_policies
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.agent.understanding.classifier import MiniLMEncoder, shared_encoder, store
from resolution_agent.agent.understanding.classifier.embedding import Matrix

DATA = Path(__file__).resolve().parent / "data"
TINY = DATA / "tiny.csv"
_TOKEN = re.compile(r"[a-z']+")


class HashingEncoder:
    """Deterministic stand-in for MiniLM: hashed words and trigrams, L2-normalised."""

    loaded = True  # as MiniLMEncoder.loaded: nothing to open

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension
        self.calls = 0
        self.texts = 0

    @property
    def identity(self) -> str:
        return f"test-hashing-{self.dimension}"

    def encode(self, texts: list[str]) -> Matrix:
        self.calls += 1
        self.texts += len(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _TOKEN.findall(text.lower())
            grams = words + [w[i : i + 3] for w in words for i in range(max(1, len(w) - 2))]
            for gram in grams:
                bucket = int(hashlib.md5(gram.encode()).hexdigest()[:8], 16) % self.dimension
                out[row, bucket] += 1.0
            norm = float(np.linalg.norm(out[row]))
            out[row] = out[row] / norm if norm else 1.0 / np.sqrt(self.dimension)
        return out


@pytest.fixture(autouse=True)
def _fresh_registry() -> Iterator[None]:
    """Each test sees an empty model registry (models live in its own tmp folder anyway)."""
    store.forget_all()
    yield
    store.forget_all()


@pytest.fixture
def fake_encoder() -> HashingEncoder:
    return HashingEncoder()


@pytest.fixture(scope="session")
def known_intents() -> set[str]:
    return set(load_policies(PROJECT_ROOT / "policies").intents)


@pytest.fixture(scope="session")
def minilm() -> MiniLMEncoder:
    """The real model from the wheel, opened once for all slow tests."""
    encoder = shared_encoder()
    encoder.encode(["warm up"])
    return encoder
