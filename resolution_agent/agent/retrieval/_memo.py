"""An encoder wrapper that remembers the vectors of texts it has embedded in this process.

The help centre is embedded once per process, whatever number of index folders ask for it:
an agent on a fresh data folder (every test, every eval run) then builds its Chroma collection
from remembered vectors in a fraction of a second instead of re-running MiniLM over every
chunk. Only index texts go through it; queries use the plain encoder, so it grows with the
help centre, not with traffic.
"""

from __future__ import annotations

import hashlib
import threading

import numpy as np

from resolution_agent.agent.understanding.classifier.embedding import Encoder, Matrix


class MemoEncoder:
    def __init__(self, inner: Encoder) -> None:
        self._inner = inner
        self._vectors: dict[bytes, Matrix] = {}
        self._lock = threading.Lock()

    @property
    def identity(self) -> str:
        return self._inner.identity

    def encode(self, texts: list[str]) -> Matrix:
        keys = [hashlib.sha256(text.encode()).digest() for text in texts]
        with self._lock:
            missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._vectors}
        if missing:
            fresh = self._inner.encode(list(missing.values()))
            with self._lock:
                self._vectors.update(zip(missing, fresh, strict=True))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        with self._lock:
            return np.stack([self._vectors[k] for k in keys])
