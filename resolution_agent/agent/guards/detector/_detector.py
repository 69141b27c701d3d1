"""The detector the input guard asks: trained on first use, cached, scored off the loop.

It embeds with the encoder the intent classifier uses (one copy of MiniLM per process) and
reads the message exactly as the understand node does (``fold``), so the embedding the
classifier asks for next is the one just computed (the encoder keeps the last few), and the
customer's last turns joined are scored from their own vectors: one MiniLM run per message,
unless the join reads close enough to an attack to be encoded whole (about 1% of ordinary
conversations).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path

import structlog

from resolution_agent.agent.guards.detector import _store
from resolution_agent.agent.guards.detector._data import (
    TURN_SEPARATOR,
    TrainingText,
    training_text,
)
from resolution_agent.agent.guards.detector._model import DetectorConfig, DetectorModel, train
from resolution_agent.agent.guards.detector._views import has_words
from resolution_agent.agent.understanding.classifier.embedding import Encoder, Matrix
from resolution_agent.agent.understanding.classifier.joined import encode_joined
from resolution_agent.agent.understanding.classifier.threads import one_blas_thread

log = structlog.get_logger(__name__)

#: A join of turns scoring this much from its turns' vectors is encoded whole and rescored.
#: Measured with the shipped model (threshold 0.79) on composed vs whole encodes: every split
#: payload of the fixtures (84, train and held-out) that the whole encode catches scores
#: 0.021 or more composed (0.22 but for one, the test's "forget" | "everything"); 1.1% of
#: 1,500 stitched Banking77 conversations score 0.01 or more (a second encode), 37% of
#: stitched hard-benign texts, which read like attacks.
JOINED_RECHECK = 0.01


class InjectionDetector:
    """A learned second opinion on whether a message tries to change the agent's rules."""

    def __init__(
        self,
        models_dir: Path,
        project_root: Path,
        encoder: Encoder,
        *,
        threshold: float | None = None,
        config: DetectorConfig | None = None,
    ) -> None:
        self._models_dir = models_dir
        self._project_root = project_root
        self._encoder = encoder
        self._threshold = threshold
        self._config = config or DetectorConfig()
        self._model: DetectorModel | None = None
        self._lock = threading.Lock()

    def training_text(self) -> TrainingText:
        return training_text(self._project_root)

    def folder(self) -> Path:
        key = _store.model_key(self.training_text(), self._config, self._encoder.identity)
        return _store.folder_for(self._models_dir, key)

    def is_built(self) -> bool:
        """False when the first use will train the detector (about half a minute on 2 cores)."""
        return self._model is not None or _store.is_complete(self.folder())

    @property
    def threshold(self) -> float:
        """The setting when given, else the one cross-validation chose at training."""
        return self._threshold if self._threshold is not None else self.model().threshold

    def model(self) -> DetectorModel:
        """The trained detector, read from the cache or trained into it (blocking)."""
        with self._lock:
            if self._model is None:
                self._model = self._build()
            return self._model

    def scores(self, texts: Sequence[str]) -> list[float]:
        """Each text's attack probability (blocking: CPU work, call off the event loop).

        Text without words (a one-time code, an amount) scores 0 without being read: the
        model has no sense of bare digits, and they carry no instruction.

        Turns joined by ``TURN_SEPARATOR`` are first scored from their turns' vectors (each
        encoded when it arrived, so no MiniLM run); only a join that scores
        ``JOINED_RECHECK`` or more that way is encoded whole and scored again, and that
        score is its score. Below it the real score cannot reach the threshold in what was
        measured (see ``JOINED_RECHECK``), so the verdict is the one a whole encode gives.
        """
        model = self.model()
        worded = [t for t in texts if has_words(t)]
        with one_blas_thread():
            found = [float(s) for s in model.scores(worded, self._embed)] if worded else []
            recheck = [
                n
                for n, (text, score) in enumerate(zip(worded, found, strict=True))
                if TURN_SEPARATOR in text and score >= JOINED_RECHECK
            ]
            if recheck:
                whole = model.scores([worded[n] for n in recheck], self._encoder.encode)
                for n, score in zip(recheck, whole, strict=True):
                    found[n] = float(score)
        scored = iter(found)
        return [next(scored) if has_words(t) else 0.0 for t in texts]

    def flags(self, texts: Sequence[str]) -> list[bool]:
        threshold = self.threshold
        return [score >= threshold for score in self.scores(texts)]

    async def any_flagged(self, texts: Sequence[str]) -> bool:
        """Whether any of ``texts`` reads as an injection, scored in a worker thread."""
        return any(await asyncio.to_thread(self.flags, texts))

    async def warm_up(self) -> None:
        await asyncio.to_thread(self.scores, ["warm up"])

    def _embed(self, texts: list[str]) -> Matrix:
        """Vectors of ``texts``; a joined text's composed from its turns' (no new encode)."""
        return encode_joined(self._encoder, [t.split(TURN_SEPARATOR) for t in texts])

    def _build(self) -> DetectorModel:
        data = self.training_text()
        key = _store.model_key(data, self._config, self._encoder.identity)
        return _store.load_or_train(
            _store.folder_for(self._models_dir, key),
            key,
            lambda: train(data, self._encoder.encode, self._config),
            what="injection_detector",
        )
