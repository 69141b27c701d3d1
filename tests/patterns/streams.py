"""Small deterministic streams for the detector tests, and a bag-of-words encoder.

The encoder is a real (if plain) implementation of the ``Encoder`` protocol: hashed word
counts, L2-normalised, so texts that share words are close. It keeps the cluster tests fast
and offline; the simulated-stream test uses MiniLM itself.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import numpy as np

from resolution_agent.agent.patterns import TurnSignal
from resolution_agent.agent.understanding.classifier.embedding import Matrix

INTENTS = ("card_arrival", "lost_or_stolen_card", "pin_blocked", "exchange_rate")


class BagOfWords:
    identity = "bag-of-words"

    def encode(self, texts: list[str]) -> Matrix:
        out = np.zeros((len(texts), 256), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % 256] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        normalised: Matrix = out / np.maximum(norms, 1e-9)
        return normalised


def steady(
    start: datetime,
    hours: float,
    *,
    per_bucket: int = 40,
    extra: Callable[[int, datetime], dict[str, object]] | None = None,
) -> Iterator[TurnSignal]:
    """``per_bucket`` turns per 10 minutes, intents in turn; ``extra(i, at)`` adds fields."""
    buckets = int(hours * 6)
    for b in range(buckets):
        for k in range(per_bucket):
            i = b * per_bucket + k
            at = start + timedelta(minutes=10 * b, seconds=k * 600 / per_bucket)
            fields: dict[str, object] = {
                "conversation_id": f"c{i}",
                "at": at,
                "intent": INTENTS[i % len(INTENTS)],
                "confidence": 0.9,
                "understood": True,
                "outcome": "resolved",
            }
            fields.update(extra(i, at) if extra else {})
            yield TurnSignal.model_validate(fields)
