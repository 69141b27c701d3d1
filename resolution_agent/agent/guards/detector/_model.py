"""The learned injection signal: one logistic regression over meaning and over letters.

Why both: the MiniLM embedding carries what a message is *doing* (casting a persona, framing
a story, asking for the setup) in words the rules never listed, while hashed character and
word n-grams of the plain reading (``_views.plain``) catch what embeddings blur: chat-template
tokens, JSON roles, "ignor-" stems in French or Polish, leetspeak. Hashing keeps the model
free of a vocabulary to store, so a model is two arrays and a threshold.

A message is scored as itself and as each plain reading hidden in it (base64, reversed ...);
its score is the highest. The threshold is chosen by cross-validation on the training text
only: the score above which at most ``target_fp`` of the benign training text lies, out of
fold. No held-out row is ever seen here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer  # type: ignore[import-untyped, unused-ignore]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped, unused-ignore]
from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped, unused-ignore]

from resolution_agent.agent.guards._unicode import fold
from resolution_agent.agent.guards.detector._data import TrainingText
from resolution_agent.agent.guards.detector._views import hidden_readings, plain

Vectors = NDArray[np.float32]
Embed = Callable[[list[str]], Vectors]


@dataclasses.dataclass(frozen=True, slots=True)
class DetectorConfig:
    """Everything besides the data that decides the trained model (hashed into its key)."""

    char_features: int = 2**17
    word_features: int = 2**16
    embedding_weight: float = 1.0
    c: float = 32.0
    folds: int = 5
    target_fp: float = 0.002
    seed: int = 17

    def as_dict(self) -> dict[str, float | int]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True, slots=True)
class CrossValidation:
    """Out-of-fold figures on the training text, kept with the model."""

    threshold: float
    benign_fp: float
    attack_recall: float


@dataclasses.dataclass(frozen=True, slots=True)
class DetectorModel:
    weights: NDArray[np.float32]
    intercept: float
    threshold: float
    config: DetectorConfig
    validation: CrossValidation
    key: str = ""

    def scores(self, texts: Sequence[str], embed: Embed) -> NDArray[np.float64]:
        """Each text's probability of being an attack: the highest over its readings."""
        return _scores(texts, embed, self.config, self.weights, self.intercept)


def readings(text: str) -> list[str]:
    """The message as the intent classifier reads it, then its hidden plain readings."""
    return [fold(text), *hidden_readings(text)]


def features(views: list[str], vectors: Vectors, config: DetectorConfig) -> sparse.csr_matrix:
    plains = [plain(v) for v in views]
    chars = _vectoriser("char_wb", (2, 5), config.char_features).transform(plains)
    words = _vectoriser("word", (1, 2), config.word_features).transform(plains)
    dense = sparse.csr_matrix(vectors.astype(np.float64) * config.embedding_weight)
    combined: sparse.csr_matrix = sparse.hstack([dense, chars, words], format="csr")
    return combined


def train(data: TrainingText, embed: Embed, config: DetectorConfig) -> DetectorModel:
    """Fit on all of ``data`` after choosing the threshold out of fold."""
    owners, views = _expand(data.texts)
    x = features(views, embed(views), config)
    y_rows = np.asarray(data.labels)
    y = y_rows[owners]
    folds = StratifiedKFold(n_splits=config.folds, shuffle=True, random_state=config.seed)
    out_of_fold = np.zeros(len(data.texts))
    for train_rows, _ in folds.split(np.zeros(len(y_rows)), y_rows):
        in_train = np.isin(owners, train_rows)
        fitted = _fit(x[in_train], y[in_train], config)
        in_test = ~in_train
        view_scores = fitted.predict_proba(x[in_test])[:, 1]
        np.maximum.at(out_of_fold, owners[in_test], view_scores)
    benign = np.sort(out_of_fold[y_rows == 0])
    allowed = int(np.floor(config.target_fp * len(benign)))
    threshold = float(benign[len(benign) - allowed - 1]) + 1e-6
    final = _fit(x, y, config)
    return DetectorModel(
        weights=final.coef_[0].astype(np.float32),
        intercept=float(final.intercept_[0]),
        threshold=threshold,
        config=config,
        validation=CrossValidation(
            threshold=threshold,
            benign_fp=float(np.mean(out_of_fold[y_rows == 0] >= threshold)),
            attack_recall=float(np.mean(out_of_fold[y_rows == 1] >= threshold)),
        ),
    )


def _scores(
    texts: Sequence[str],
    embed: Embed,
    config: DetectorConfig,
    weights: NDArray[np.float32],
    intercept: float,
) -> NDArray[np.float64]:
    owners, views = _expand(texts)
    x = features(views, embed(views), config)
    logits = x @ weights.astype(np.float64) + intercept
    probabilities = 1.0 / (1.0 + np.exp(-logits))
    best = np.zeros(len(texts))
    np.maximum.at(best, owners, probabilities)
    return best


def _expand(texts: Sequence[str]) -> tuple[NDArray[np.intp], list[str]]:
    owners: list[int] = []
    views: list[str] = []
    for i, text in enumerate(texts):
        for view in readings(text):
            owners.append(i)
            views.append(view)
    return np.asarray(owners, dtype=np.intp), views


def _fit(x: sparse.csr_matrix, y: NDArray[np.int_], config: DetectorConfig) -> LogisticRegression:
    model = LogisticRegression(
        C=config.c, class_weight="balanced", solver="liblinear", max_iter=1000
    )
    model.fit(x, y)
    return model


def _vectoriser(analyzer: str, ngrams: tuple[int, int], size: int) -> HashingVectorizer:
    return HashingVectorizer(
        analyzer=analyzer,
        ngram_range=ngrams,
        n_features=size,
        alternate_sign=False,
        norm="l2",
        lowercase=False,
    )
