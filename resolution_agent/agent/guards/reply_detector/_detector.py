"""The detector the output guard node asks: trained on first use, cached, scored off the loop.

Cached as the input detector is (``guards.detector._store``), one folder per kind::

    replies/<kind>-<key>/model.npz, meta.json

``key`` hashes that kind's training text, the settings and the encoder, so editing the
training file retrains only what changed. It embeds with the intent classifier's encoder
(one copy of MiniLM per process).
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import structlog

from resolution_agent.agent.guards._content import REPLY_KINDS, LearnedVerdict, ReplyKind
from resolution_agent.agent.guards.detector import DetectorConfig, DetectorModel, _store
from resolution_agent.agent.guards.detector._model import train
from resolution_agent.agent.guards.reply_detector._data import kind_training, long_enough
from resolution_agent.agent.guards.reply_detector._model import MemoEmbed, kind_scores, reply_config
from resolution_agent.agent.understanding.classifier.embedding import Encoder, Matrix
from resolution_agent.agent.understanding.classifier.threads import one_blas_thread

log = structlog.get_logger(__name__)


class ReplyDetector:
    """A learned second opinion on whether a reply is off topic, abusive, instructs fraud or
    claims another identity, beside the output guard's patterns."""

    def __init__(
        self,
        models_dir: Path,
        project_root: Path,
        encoder: Encoder,
        *,
        config: DetectorConfig | None = None,
    ) -> None:
        self._models_dir = models_dir
        self._project_root = project_root
        self._encoder = encoder
        self._config = config or reply_config()
        self._models: dict[ReplyKind, DetectorModel] | None = None
        self._lock = threading.Lock()

    def folder(self, kind: ReplyKind) -> Path:
        return self._folder(kind, self._key(kind))

    def is_built(self) -> bool:
        """False when the first use will train the detector (a minute or so on 2 cores)."""
        return self._models is not None or all(
            _store.is_complete(self.folder(k)) for k in REPLY_KINDS
        )

    def models(self) -> dict[ReplyKind, DetectorModel]:
        """The trained model of each kind, read from the cache or trained into it (blocking)."""
        with self._lock:
            if self._models is None:
                embed = MemoEmbed(self._embed)
                self._models = {kind: self._build(kind, embed) for kind in REPLY_KINDS}
            return self._models

    def scores(self, text: str) -> dict[ReplyKind, float]:
        """Each kind's score for ``text`` (blocking: CPU work, call off the event loop).

        A reply under ``_data.MIN_WORDS`` words scores 0 without being read (see there).
        """
        models = self.models()
        if not long_enough(text):
            return dict.fromkeys(REPLY_KINDS, 0.0)
        with one_blas_thread():
            found = kind_scores([text], self._embed, models)
        return {kind: found[kind][0] for kind in REPLY_KINDS}

    def verdict(self, text: str) -> LearnedVerdict:
        """The kinds whose score reaches the threshold cross-validation chose for them."""
        models = self.models()
        flagged = tuple(
            (kind, score)
            for kind, score in self.scores(text).items()
            if score >= models[kind].threshold
        )
        return LearnedVerdict(flagged)

    async def judge(self, text: str) -> LearnedVerdict:
        """:meth:`verdict`, in a worker thread so the event loop never waits on MiniLM."""
        return await asyncio.to_thread(self.verdict, text)

    async def warm_up(self) -> None:
        await asyncio.to_thread(self.scores, "warm up")

    def _key(self, kind: ReplyKind) -> str:
        data = kind_training(self._project_root, kind)
        return _store.model_key(data, self._config, self._encoder.identity)

    def _folder(self, kind: ReplyKind, key: str) -> Path:
        return self._models_dir / "replies" / f"{kind}-{key}"

    def _embed(self, texts: list[str]) -> Matrix:
        return self._encoder.encode(texts)

    def _build(self, kind: ReplyKind, embed: MemoEmbed) -> DetectorModel:
        data = kind_training(self._project_root, kind)
        key = _store.model_key(data, self._config, self._encoder.identity)
        return _store.load_or_train(
            self._folder(kind, key),
            key,
            lambda: train(data, embed, self._config),
            what=f"reply_detector_{kind}",
        )
