"""The detector the input guard asks: trained on first use, cached, scored off the loop.

It embeds with the encoder the intent classifier uses (one copy of MiniLM per process) and
reads the message exactly as the understand node does (``fold``), so the embedding the
classifier asks for next is the one just computed (the encoder keeps the last few).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path

import structlog

from resolution_agent.agent.guards.detector import _store
from resolution_agent.agent.guards.detector._data import TrainingText, training_text
from resolution_agent.agent.guards.detector._model import DetectorConfig, DetectorModel, train
from resolution_agent.agent.guards.detector._views import has_words
from resolution_agent.agent.understanding.classifier.embedding import Encoder, Matrix
from resolution_agent.agent.understanding.classifier.threads import one_blas_thread

log = structlog.get_logger(__name__)


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
        """
        model = self.model()
        worded = [t for t in texts if has_words(t)]
        with one_blas_thread():
            found = iter([float(s) for s in model.scores(worded, self._embed)] if worded else [])
        return [next(found) if has_words(t) else 0.0 for t in texts]

    def flags(self, texts: Sequence[str]) -> list[bool]:
        threshold = self.threshold
        return [score >= threshold for score in self.scores(texts)]

    async def any_flagged(self, texts: Sequence[str]) -> bool:
        """Whether any of ``texts`` reads as an injection, scored in a worker thread."""
        return any(await asyncio.to_thread(self.flags, texts))

    async def warm_up(self) -> None:
        await asyncio.to_thread(self.scores, ["warm up"])

    def _embed(self, texts: list[str]) -> Matrix:
        return self._encoder.encode(texts)

    def _build(self) -> DetectorModel:
        data = self.training_text()
        key = _store.model_key(data, self._config, self._encoder.identity)
        return _store.load_or_train(
            _store.folder_for(self._models_dir, key),
            key,
            lambda: train(data, self._embed, self._config),
            what="injection_detector",
        )
