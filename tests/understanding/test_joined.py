"""Joined texts from their parts' vectors: what makes a later turn cost one MiniLM run."""

from __future__ import annotations

import numpy as np
import pytest

from resolution_agent.agent.understanding.classifier.embedding import MiniLMEncoder
from resolution_agent.agent.understanding.classifier.joined import encode_joined, encode_reusing

FIRST = "I've lost my card, I think I left it on the bus"
SECOND = "can you send me a new one"


@pytest.fixture(scope="module")
def encoder() -> MiniLMEncoder:
    return MiniLMEncoder()


def test_recent_split_finds_the_recent_texts_a_text_joins(encoder: MiniLMEncoder) -> None:
    encoder.encode([FIRST])
    encoder.encode([SECOND])

    assert encoder.recent_split(f"{FIRST} {SECOND}", " ") == [FIRST, SECOND]
    assert encoder.recent_split(FIRST, " ") == [FIRST]


def test_recent_split_is_none_when_a_part_was_never_encoded(encoder: MiniLMEncoder) -> None:
    encoder.encode([FIRST])

    assert encoder.recent_split(f"{FIRST} and a word never encoded", " ") is None


def test_the_episode_vector_is_composed_without_running_the_model(
    encoder: MiniLMEncoder,
) -> None:
    encoder.encode([FIRST])
    encoder.encode([SECOND])
    runs = encoder.model_runs

    composed = encode_reusing(encoder, f"{FIRST} {SECOND}")

    assert encoder.model_runs == runs
    real = MiniLMEncoder().encode([f"{FIRST} {SECOND}"])[0]
    assert float(composed @ real) > 0.9
    assert abs(float(np.linalg.norm(composed)) - 1.0) < 1e-5


def test_a_text_nobody_encoded_is_encoded_once(encoder: MiniLMEncoder) -> None:
    runs = encoder.model_runs

    encode_reusing(encoder, "where is my replacement card")
    encode_reusing(encoder, "where is my replacement card")

    assert encoder.model_runs == runs + 1


def test_joined_turns_are_weighted_by_their_token_counts(encoder: MiniLMEncoder) -> None:
    short, long = "yes", FIRST
    vectors = encoder.encode([short, long])
    counts = encoder.token_counts([short, long])

    joined = encode_joined(encoder, [[short, long], [long]])

    expected = vectors[0] * counts[0] + vectors[1] * counts[1]
    assert np.allclose(joined[0], expected / np.linalg.norm(expected), atol=1e-6)
    assert np.allclose(joined[1], vectors[1], atol=1e-6)
    assert counts[0] < counts[1]
