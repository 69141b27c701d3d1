"""The learned reply signal: one logistic regression per kind, over the input detector's
features (MiniLM embedding and hashed character and word n-grams, ``guards.detector``).

One-vs-benign per kind rather than one multi-class model: each kind gets its own threshold,
chosen by cross-validation on the training text only, so that out of fold at most
``target_fp`` of the benign replies score above it; four kinds at 0.125% each keep the
benign replies the signal blocks, together, at 0.5% or fewer. A reply is embedded once and
all four models read the same features.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from resolution_agent.agent.guards._content import ReplyKind
from resolution_agent.agent.guards.detector._model import (
    DetectorConfig,
    DetectorModel,
    Embed,
    Vectors,
    _expand,
    features,
)

#: Per kind: a quarter of the 0.5% of benign replies the four kinds may block together.
TARGET_FP = 0.00125


def reply_config() -> DetectorConfig:
    return DetectorConfig(target_fp=TARGET_FP)


def kind_scores(
    texts: Sequence[str], embed: Embed, models: Mapping[ReplyKind, DetectorModel]
) -> dict[ReplyKind, list[float]]:
    """Each kind's probability for each text (the highest over its readings), features once.

    Every model shares the same feature settings (:func:`reply_config`), so one matrix
    serves them all.
    """
    owners, views = _expand(texts)
    config = next(iter(models.values())).config
    x = features(views, embed(views), config)
    out: dict[ReplyKind, list[float]] = {}
    for kind, model in models.items():
        logits = x @ model.weights.astype(np.float64) + model.intercept
        probabilities = 1.0 / (1.0 + np.exp(-logits))
        best = np.zeros(len(texts))
        np.maximum.at(best, owners, probabilities)
        out[kind] = [float(p) for p in best]
    return out


@dataclasses.dataclass
class MemoEmbed:
    """An embed that encodes each text once: the four kinds train on the same benign replies,
    and MiniLM on two cores is the slow part of training."""

    inner: Callable[[list[str]], Vectors]
    seen: dict[str, Vectors] = dataclasses.field(default_factory=dict)

    def __call__(self, texts: list[str]) -> Vectors:
        missing = list(dict.fromkeys(t for t in texts if t not in self.seen))
        if missing:
            for text, row in zip(missing, self.inner(missing), strict=True):
                self.seen[text] = row
        return np.stack([self.seen[t] for t in texts]).astype(np.float32, copy=False)
