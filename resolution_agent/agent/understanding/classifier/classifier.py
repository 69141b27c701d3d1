"""The embedding intent classifier the graph calls (the ``IntentClassifier`` protocol).

Creating it is free: the model is resolved (read from the cache, or trained from the shipped
utterances) and MiniLM opened on the first classification or on :meth:`warm_up`, never at
import or construction, so a process that never classifies never pays for the model.
Embedding takes milliseconds of CPU, so ``classify`` runs it in a worker thread and the event
loop keeps serving other conversations meanwhile.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Collection
from pathlib import Path

from resolution_agent.agent.state import IntentPrediction
from resolution_agent.agent.understanding.classifier.data import LabelledTexts, read_labelled_csv
from resolution_agent.agent.understanding.classifier.embedding import Encoder, shared_encoder
from resolution_agent.agent.understanding.classifier.manager import IntentModelManager
from resolution_agent.agent.understanding.classifier.model import IntentModel
from resolution_agent.agent.understanding.classifier.training import TrainConfig


class EmbeddingIntentClassifier:
    """MiniLM embeddings, calibrated linear heads, out-of-scope rejection, top alternatives."""

    def __init__(
        self,
        models_dir: Path,
        default_csv: Path,
        *,
        known_intents: Collection[str] | None = None,
        config: TrainConfig | None = None,
        encoder: Encoder | None = None,
    ) -> None:
        self._encoder = encoder or shared_encoder()
        self._manager = IntentModelManager(models_dir, self._encoder, config)
        self._default: Callable[[], LabelledTexts] = lambda: read_labelled_csv(
            default_csv, known_labels=known_intents
        )
        self._model: IntentModel | None = None
        self._lock = threading.Lock()

    @property
    def manager(self) -> IntentModelManager:
        return self._manager

    def is_built(self) -> bool:
        """False when the first use will train the default model (about a minute on 2 cores)."""
        return self._manager.is_built(self._default)

    def model(self) -> IntentModel:
        """The active model, resolved once per classifier (blocking: call off the loop)."""
        with self._lock:
            if self._model is None:
                self._model = self._manager.active(self._default)
            return self._model

    async def classify(self, text: str) -> IntentPrediction:
        return await asyncio.to_thread(self.classify_sync, text)

    def classify_sync(self, text: str) -> IntentPrediction:
        return self.classify_many([text])[0]

    def classify_many(self, texts: list[str]) -> list[IntentPrediction]:
        return self.model().read(self._encoder, texts)

    async def warm_up(self) -> None:
        """Resolve the model and open MiniLM now (at agent start), not on the first message."""
        await asyncio.to_thread(self.classify_sync, "warm up")
