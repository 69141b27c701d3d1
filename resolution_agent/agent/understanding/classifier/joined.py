"""The vector of texts joined together, from the vectors of the texts: no new encode.

Why: a turn reads joined text twice. The injection detector scores the customer's last few
messages joined (a payload split over turns), and the retriever searches the episode so far
(the problem's first message and what the customer added). Each message was encoded on its own
turn; encoding the joined text again cost one more MiniLM run from the second message on.

MiniLM's sentence vector is the mean of its token vectors, so the vector of ``A B`` is close to
the token-count-weighted mean of the vectors of ``A`` and ``B`` (median cosine 0.96 with the
real encode over utterance pairs; lower where attention across the join matters). That
approximation is what a model trained on it sees too: the detector is trained on joined texts
composed the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from resolution_agent.agent.understanding.classifier.embedding import Encoder, Matrix


@runtime_checkable
class Remembers(Protocol):
    """An encoder that keeps recent vectors and can count a text's tokens without encoding."""

    def token_counts(self, texts: list[str]) -> list[int]: ...

    def recent_split(self, text: str, separator: str) -> list[str] | None: ...


def compose(vectors: Matrix, weights: Sequence[float]) -> Matrix:
    """The unit-length weighted mean of unit ``vectors`` (one row per part)."""
    mixed = (vectors * np.asarray(weights, dtype=np.float32)[:, None]).sum(axis=0)
    norm = float(np.linalg.norm(mixed))
    return np.asarray(mixed / norm if norm > 0 else mixed, dtype=np.float32)


def encode_joined(encoder: Encoder, joined: Sequence[Sequence[str]]) -> Matrix:
    """One row per joined text, each composed from its parts' vectors (encoded in one call).

    Parts are weighted by their token counts when the encoder can count them (MiniLM), else
    equally. A text of one part is its own vector.
    """
    texts = list(dict.fromkeys(part for parts in joined for part in parts))
    if not texts:
        return np.zeros((len(joined), 0), dtype=np.float32)
    vectors = encoder.encode(texts)
    row = {text: n for n, text in enumerate(texts)}
    counts = encoder.token_counts(texts) if isinstance(encoder, Remembers) else [1] * len(texts)
    out = np.zeros((len(joined), vectors.shape[1]), dtype=np.float32)
    for n, parts in enumerate(joined):
        rows = [row[part] for part in parts]
        out[n] = compose(vectors[rows], [counts[r] for r in rows])
    return out


def encode_reusing(encoder: Encoder, text: str, separator: str = " ") -> Matrix:
    """The vector of ``text``: recent, else composed from recent texts it joins, else encoded.

    The retriever's query on a later turn of a problem is the problem's earlier text and the
    new message joined by a space; both were encoded on their own turns.
    """
    parts = encoder.recent_split(text, separator) if isinstance(encoder, Remembers) else None
    rows = (
        encoder.encode([text])
        if parts is None or len(parts) < 2
        else encode_joined(encoder, [parts])
    )
    vector: Matrix = rows[0]
    return vector
