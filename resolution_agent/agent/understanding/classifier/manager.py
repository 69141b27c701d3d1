"""Which intent model is active, and building it when it is not on disk yet.

One place decides, for the agent, ``resolve intents train`` and ``resolve intents eval`` alike:
the model named by ``active.json`` if a custom training run set one, else the model of the
shipped utterances (``fixtures/intents/utterances.csv``), trained on first use and cached.
"""

from __future__ import annotations

import dataclasses
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import structlog

from resolution_agent.agent.understanding.classifier import store
from resolution_agent.agent.understanding.classifier.data import LabelledTexts
from resolution_agent.agent.understanding.classifier.embedding import Encoder
from resolution_agent.agent.understanding.classifier.model import IntentModel
from resolution_agent.agent.understanding.classifier.training import TrainConfig, train_model
from resolution_agent.tools.errors import DataFileError

log = structlog.get_logger(__name__)

_TRAINING: dict[Path, threading.Lock] = {}
_TRAINING_GUARD = threading.Lock()


def _training_lock(folder: Path) -> threading.Lock:
    """One lock per model folder for the whole process.

    Agents opened concurrently on a fresh folder would otherwise each train the same model
    (minutes of CPU, all but one thrown away); with it the first trains and the rest load.
    """
    with _TRAINING_GUARD:
        return _TRAINING.setdefault(folder.resolve(), threading.Lock())


@dataclasses.dataclass(frozen=True, slots=True)
class Built:
    model: IntentModel
    folder: Path
    reused: bool


class IntentModelManager:
    """Trains, caches and resolves intent models under one models folder."""

    def __init__(
        self, models_dir: Path, encoder: Encoder, config: TrainConfig | None = None
    ) -> None:
        self.models_dir = models_dir
        self.encoder = encoder
        self.config = config or TrainConfig()

    def key_for(self, data: LabelledTexts) -> str:
        return store.model_key(data, self.config, self.encoder.identity)

    def folder_for(self, key: str) -> Path:
        return store.intents_root(self.models_dir) / key

    def build(self, data: LabelledTexts) -> Built:
        """The model for ``data`` and the settings: from the cache, or trained and cached."""
        key = self.key_for(data)
        folder = self.folder_for(key)
        with _training_lock(folder):
            if store.is_complete(folder):
                try:
                    return Built(store.load_cached(folder), folder, reused=True)
                except DataFileError as exc:
                    # A cache entry, rebuilt from its data like any missing one.
                    log.warning(
                        "intent_model_damaged",
                        folder=str(folder),
                        error=exc.problem[:200],
                        action="deleted and trained again",
                    )
                    shutil.rmtree(folder)
            model = dataclasses.replace(train_model(data, self.encoder, self.config), key=key)
            store.save_model(
                folder, model, extra={"encoder": self.encoder.identity, "source": data.source}
            )
            return Built(store.remember(folder, model), folder, reused=False)

    def train_and_activate(self, data: LabelledTexts, *, default: bool) -> Built:
        """Build ``data``'s model and make it active (``default``: follow the fixtures again)."""
        built = self.build(data)
        store.write_active(
            self.models_dir, None if default else built.model.key, source=data.source
        )
        return built

    def is_built(self, default_data: Callable[[], LabelledTexts]) -> bool:
        """Whether :meth:`active` can load a model without training one first."""
        if store.read_active(self.models_dir) is not None:
            return True
        return store.is_complete(self.folder_for(self.key_for(default_data())))

    def active(self, default_data: Callable[[], LabelledTexts]) -> IntentModel:
        """The active model; the default one is read (and if need be trained) on first use."""
        key = store.read_active(self.models_dir)
        if key is not None:
            try:
                return store.load_cached(self.folder_for(key))
            except DataFileError as exc:
                # Trained from a CSV this process cannot know: only its owner can train it again.
                raise DataFileError(
                    exc.path,
                    f"{exc.problem}; train the active model again: resolve intents train --csv "
                    "FILE (or resolve intents train to go back to the shipped utterances)",
                ) from exc
        return self.build(default_data()).model
