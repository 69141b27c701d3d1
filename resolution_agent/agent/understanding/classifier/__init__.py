"""The trained intent classifier: MiniLM sentence embeddings plus calibrated linear heads.

Importing this package is cheap (numpy, scikit-learn): the MiniLM weights are read only when a
message is first classified or a model is trained.

    classifier = build_intent_classifier(settings, known_intents=policies.intents)
    prediction = await classifier.classify("my card never came")
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from resolution_agent.agent.understanding.classifier.classifier import EmbeddingIntentClassifier
from resolution_agent.agent.understanding.classifier.data import (
    LabelledTexts,
    combined,
    read_labelled_csv,
)
from resolution_agent.agent.understanding.classifier.embedding import (
    Encoder,
    MiniLMEncoder,
    shared_encoder,
)
from resolution_agent.agent.understanding.classifier.evaluation import EvalReport, evaluate
from resolution_agent.agent.understanding.classifier.manager import Built, IntentModelManager
from resolution_agent.agent.understanding.classifier.model import OUT_OF_SCOPE, IntentModel
from resolution_agent.agent.understanding.classifier.training import TrainConfig, train_model


def shipped_utterances(project_root: Path) -> Path:
    """The training utterances that come with the project."""
    return project_root / "fixtures" / "intents" / "utterances.csv"


def build_intent_classifier(
    models_dir: Path,
    project_root: Path,
    *,
    known_intents: Collection[str] | None = None,
    threads: int = 1,
    config: TrainConfig | None = None,
) -> EmbeddingIntentClassifier:
    """The classifier the agent uses: models cached under ``models_dir``, nothing loaded yet."""
    return EmbeddingIntentClassifier(
        models_dir,
        shipped_utterances(project_root),
        known_intents=known_intents,
        config=config,
        encoder=shared_encoder(threads=threads),
    )


__all__ = [
    "OUT_OF_SCOPE",
    "Built",
    "EmbeddingIntentClassifier",
    "Encoder",
    "EvalReport",
    "IntentModel",
    "IntentModelManager",
    "LabelledTexts",
    "MiniLMEncoder",
    "TrainConfig",
    "build_intent_classifier",
    "combined",
    "evaluate",
    "read_labelled_csv",
    "shared_encoder",
    "shipped_utterances",
    "train_model",
]
