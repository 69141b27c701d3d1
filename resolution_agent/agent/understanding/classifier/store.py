"""The on-disk cache of trained intent models, the active-model pointer, and a process registry.

Layout under the caller's models folder (the agent passes ``<RESOLVE_DATA_DIR>/models``)::

    intents/<key>/model.npz     weights, IDF vectors and training embeddings (no pickle)
    intents/<key>/meta.json     labels, temperature, thresholds, vocabulary, training report
    intents/active.json         {"key": ...} written by ``resolve intents train --csv FILE``

``key`` hashes the canonical training rows, the training settings, the encoder and the format
version, so changed data or settings train a new model and unchanged ones reuse the old one.
Without ``active.json`` the model of the shipped utterances is active; it is looked up by the
key of the current fixtures, so editing them retrains on next use. A model folder is written
under a temporary name and renamed, so a crash never leaves half a model that looks complete.
Each folder is loaded at most once per process (:func:`load_cached`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import threading
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from resolution_agent.agent.understanding.classifier.data import LabelledTexts
from resolution_agent.agent.understanding.classifier.lexical import LexicalFeatures
from resolution_agent.agent.understanding.classifier.model import (
    Heads,
    IntentModel,
    LinearHead,
    OutOfScopeRule,
    TrainingReport,
)
from resolution_agent.agent.understanding.classifier.training import TrainConfig
from resolution_agent.tools.errors import ConfigurationError, DataFileError

FORMAT = 1
_MODEL = "model.npz"
_META = "meta.json"
_ACTIVE = "active.json"


def model_key(data: LabelledTexts, config: TrainConfig, encoder_identity: str) -> str:
    """A short stable hash of everything that determines the trained model."""
    digest = hashlib.sha256()
    header = {"format": FORMAT, "encoder": encoder_identity, "config": config.as_dict()}
    digest.update(json.dumps(header, sort_keys=True).encode())
    for text, label in zip(data.texts, data.labels, strict=True):
        digest.update(json.dumps([label, text]).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


def intents_root(models_dir: Path) -> Path:
    return models_dir / "intents"


def save_model(folder: Path, model: IntentModel, *, extra: dict[str, Any] | None = None) -> None:
    """Write ``model`` to ``folder`` atomically (a temporary sibling, then a rename)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.with_name(f".{folder.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    heads = model.heads
    arrays: dict[str, Any] = {
        "semantic_weights": heads.semantic.weights,
        "semantic_intercept": heads.semantic.intercept,
        "anchors": model.anchors,
    }
    meta: dict[str, Any] = {
        "format": FORMAT,
        "key": model.key,
        "labels": model.labels,
        "temperature": model.temperature,
        "lexical_weight": heads.weight,
        "rule": {
            "min_similarity": model.rule.min_similarity,
            "min_probability": model.rule.min_probability,
        },
        "report": _report_dict(model.report),
        "spelling": model.spelling,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **(extra or {}),
    }
    if heads.lexical is not None and heads.features is not None:
        arrays.update(
            lexical_weights=heads.lexical.weights,
            lexical_intercept=heads.lexical.intercept,
            word_idf=heads.features.word_idf,
            char_idf=heads.features.char_idf,
        )
        meta["word_terms"] = heads.features.word_terms
        meta["char_terms"] = heads.features.char_terms
    np.savez_compressed(staging / _MODEL, **arrays)
    (staging / _META).write_text(json.dumps(meta), encoding="utf-8")
    try:
        staging.rename(folder)
    except OSError:  # another process finished the same model first: keep theirs
        shutil.rmtree(staging, ignore_errors=True)
        if not (folder / _META).is_file():
            raise


def load_model(folder: Path) -> IntentModel:
    """Read a model folder written by :func:`save_model`; a damaged one names its file."""
    meta_path = folder / _META
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        # Our own handle: numpy leaks the one it opens when the zip inside is damaged.
        with (folder / _MODEL).open("rb") as file, np.load(file, allow_pickle=False) as arrays:
            data = {name: arrays[name] for name in arrays.files}
        return _model_of(meta_path, meta, data)
    except DataFileError:
        raise
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, zlib.error) as exc:
        # A file cut short or overwritten fails in numpy's zip reader or in the JSON.
        raise DataFileError(
            meta_path, f"cannot read the intent model: {type(exc).__name__}: {exc}"[:300]
        ) from exc


def _model_of(meta_path: Path, meta: dict[str, Any], data: dict[str, Any]) -> IntentModel:
    if meta.get("format") != FORMAT:
        raise DataFileError(meta_path, f"model format {meta.get('format')} is not {FORMAT}")
    lexical = None
    features = None
    if "lexical_weights" in data:
        lexical = LinearHead(weights=data["lexical_weights"], intercept=data["lexical_intercept"])
        features = LexicalFeatures(
            meta["word_terms"], data["word_idf"], meta["char_terms"], data["char_idf"]
        )
    heads = Heads(
        semantic=LinearHead(weights=data["semantic_weights"], intercept=data["semantic_intercept"]),
        lexical=lexical,
        features=features,
        weight=float(meta["lexical_weight"]),
    )
    return IntentModel(
        labels=list(meta["labels"]),
        heads=heads,
        temperature=float(meta["temperature"]),
        anchors=data["anchors"],
        rule=OutOfScopeRule(**meta["rule"]),
        report=TrainingReport(**meta["report"]),
        key=str(meta["key"]),
        spelling={str(k): int(v) for k, v in meta.get("spelling", {}).items()},
    )


def _report_dict(report: TrainingReport) -> dict[str, Any]:
    return dataclasses.asdict(report)


_LOADED: dict[Path, IntentModel] = {}
_LOADED_LOCK = threading.Lock()


def load_cached(folder: Path) -> IntentModel:
    """Load ``folder`` once per process; later calls return the same model object."""
    folder = folder.resolve()
    with _LOADED_LOCK:
        model = _LOADED.get(folder)
        if model is None:
            model = _LOADED[folder] = load_model(folder)
        return model


def remember(folder: Path, model: IntentModel) -> IntentModel:
    """Register a model just trained and saved to ``folder``, so it is not read back."""
    with _LOADED_LOCK:
        return _LOADED.setdefault(folder.resolve(), model)


def forget_all() -> None:
    """Empty the registry (tests, or a long-lived process that retrained)."""
    with _LOADED_LOCK:
        _LOADED.clear()


def is_complete(folder: Path) -> bool:
    return (folder / _META).is_file() and (folder / _MODEL).is_file()


def read_active(models_dir: Path) -> str | None:
    """The key that ``resolve intents train --csv`` made active, or None for the default."""
    path = intents_root(models_dir) / _ACTIVE
    if not path.is_file():
        return None
    try:
        key = json.loads(path.read_text(encoding="utf-8"))["key"]
    except (ValueError, KeyError, TypeError) as exc:
        raise DataFileError(
            path,
            f"not a valid active-model pointer ({exc}); write it again with resolve intents "
            "train --csv FILE, or delete it to use the shipped utterances' model",
            key="key",
        ) from exc
    folder = intents_root(models_dir) / str(key)
    if not is_complete(folder):
        raise ConfigurationError(
            f"the active intent model {key} is missing from {folder.parent}; "
            "run 'resolve intents train' (optionally with --csv FILE) again"
        )
    return str(key)


def write_active(models_dir: Path, key: str | None, *, source: str = "") -> None:
    """Point at ``key``; None removes the pointer so the default (fixtures) model is active."""
    path = intents_root(models_dir) / _ACTIVE
    if key is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(f".{os.getpid()}.tmp")
    staging.write_text(json.dumps({"key": key, "source": source}), encoding="utf-8")
    staging.replace(path)
