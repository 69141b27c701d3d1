"""Scoring a model against labelled utterances: accuracy, macro-F1, calibration error.

Macro-F1 averages over the intents present in the evaluation file (each counts the same,
however many rows it has); a prediction of an intent the file does not use (``out_of_scope``,
``complaint`` on Banking77) is simply wrong for its row. ECE is measured on the confidence the
graph sees, after out-of-scope rejection.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score  # type: ignore[import-untyped, unused-ignore]

from resolution_agent.agent.understanding.classifier.calibration import expected_calibration_error
from resolution_agent.agent.understanding.classifier.data import LabelledTexts
from resolution_agent.agent.understanding.classifier.embedding import Encoder
from resolution_agent.agent.understanding.classifier.model import OUT_OF_SCOPE, IntentModel


@dataclass(frozen=True, slots=True)
class EvalReport:
    rows: int
    accuracy: float
    macro_f1: float
    ece: float
    out_of_scope_rate: float
    seconds: float
    model_key: str = ""
    per_intent_f1: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def evaluate(
    model: IntentModel,
    encoder: Encoder,
    data: LabelledTexts,
) -> EvalReport:
    """Classify every row of ``data`` in batches and compare with its label."""
    started = time.perf_counter()
    predictions = model.read(encoder, list(data.texts))
    predicted = [p.intent for p in predictions]
    gold = list(data.labels)
    correct = np.array([p == g for p, g in zip(predicted, gold, strict=True)])
    labels = sorted(set(gold))
    per_intent = f1_score(gold, predicted, labels=labels, average=None, zero_division=0)
    return EvalReport(
        rows=len(gold),
        accuracy=float(accuracy_score(gold, predicted)),
        macro_f1=float(np.mean(per_intent)),
        ece=expected_calibration_error([p.confidence for p in predictions], correct),
        out_of_scope_rate=float(np.mean([p == OUT_OF_SCOPE for p in predicted])),
        seconds=time.perf_counter() - started,
        model_key=model.key,
        per_intent_f1={label: float(f) for label, f in zip(labels, per_intent, strict=True)},
    )
