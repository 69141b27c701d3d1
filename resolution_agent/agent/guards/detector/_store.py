"""The on-disk cache of trained detectors, as the intent models are cached.

Layout under the models folder (``RESOLVE_MODELS_DIR``, default ``<data dir>/models``)::

    injection/<key>/model.npz    weights (no pickle)
    injection/<key>/meta.json    intercept, threshold, settings, cross-validation figures

``key`` hashes the training rows, the settings, the encoder and the format, so editing the
attack set or the settings trains a new detector once and unchanged ones reuse the old one.
A folder is written under a temporary name and renamed, so a crash never leaves half a model.
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
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import structlog

from resolution_agent.agent.guards.detector._data import TrainingText
from resolution_agent.agent.guards.detector._model import (
    CrossValidation,
    DetectorConfig,
    DetectorModel,
)
from resolution_agent.tools.errors import DataFileError

FORMAT = 1
_MODEL = "model.npz"
_META = "meta.json"

log = structlog.get_logger(__name__)

_TRAINING: dict[Path, threading.Lock] = {}
_TRAINING_GUARD = threading.Lock()


def _training_lock(folder: Path) -> threading.Lock:
    """One lock per model folder per process: concurrent agents train it once, not N times."""
    with _TRAINING_GUARD:
        return _TRAINING.setdefault(folder.resolve(), threading.Lock())


def load_or_train(
    folder: Path, key: str, train: Callable[[], DetectorModel], *, what: str
) -> DetectorModel:
    """The model cached in ``folder``, or ``train()`` saved there under ``key``.

    A damaged cache is deleted and trained again rather than stopping the agent: the model
    can always be rebuilt from the shipped text. ``what`` names the detector in log events.
    """
    with _training_lock(folder):
        if is_complete(folder):
            try:
                return load(folder)
            except DataFileError as exc:
                log.warning(
                    f"{what}_damaged",
                    folder=str(folder),
                    error=exc.problem[:200],
                    action="deleted and trained again",
                )
                shutil.rmtree(folder)
        log.warning(
            f"{what}_training",
            folder=str(folder),
            hint="first use on this models folder; later starts load it",
        )
        model = dataclasses.replace(train(), key=key)
        save(folder, model)
        return model


def model_key(data: TrainingText, config: DetectorConfig, encoder_identity: str) -> str:
    digest = hashlib.sha256()
    header = {"format": FORMAT, "encoder": encoder_identity, "config": config.as_dict()}
    digest.update(json.dumps(header, sort_keys=True).encode())
    for text, label in zip(data.texts, data.labels, strict=True):
        digest.update(json.dumps([label, text]).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


def folder_for(models_dir: Path, key: str) -> Path:
    return models_dir / "injection" / key


def is_complete(folder: Path) -> bool:
    return (folder / _META).is_file() and (folder / _MODEL).is_file()


def save(folder: Path, model: DetectorModel) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.with_name(f".{folder.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    np.savez_compressed(staging / _MODEL, weights=model.weights)
    meta = {
        "format": FORMAT,
        "key": model.key,
        "intercept": model.intercept,
        "threshold": model.threshold,
        "config": model.config.as_dict(),
        "validation": dataclasses.asdict(model.validation),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (staging / _META).write_text(json.dumps(meta), encoding="utf-8")
    try:
        staging.rename(folder)
    except OSError:  # another process saved the same model first: keep theirs
        shutil.rmtree(staging, ignore_errors=True)
        if not is_complete(folder):
            raise


def load(folder: Path) -> DetectorModel:
    meta_path = folder / _META
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise DataFileError(meta_path, f"detector format {meta.get('format')} is not {FORMAT}")
        with (folder / _MODEL).open("rb") as file, np.load(file, allow_pickle=False) as arrays:
            weights = np.asarray(arrays["weights"], dtype=np.float32)
        return DetectorModel(
            weights=weights,
            intercept=float(meta["intercept"]),
            threshold=float(meta["threshold"]),
            config=DetectorConfig(**meta["config"]),
            validation=CrossValidation(**meta["validation"]),
            key=str(meta["key"]),
        )
    except DataFileError:
        raise
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, zlib.error) as exc:
        raise DataFileError(
            meta_path, f"cannot read the injection detector: {type(exc).__name__}: {exc}"[:300]
        ) from exc
