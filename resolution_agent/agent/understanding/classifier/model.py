"""A trained intent model and how it turns embeddings into an :class:`IntentPrediction`.

The model is plain arrays (linear heads, a temperature, the training embeddings) so inference
is a few matrix products in numpy, well under a millisecond beside the ~10 ms embedding.

Out of scope is decided twice. The head has an ``out_of_scope`` class learnt from examples
("what's the weather"); and a message far from every training utterance (nearest cosine
similarity under ``min_similarity``) or with no intent above ``min_probability`` is rejected,
because a linear head still spreads its mass over known intents for gibberish. A rejected
message keeps its best in-scope candidates as alternatives, so clarification can offer them.

Misspelt words are repaired before a message is read (:meth:`IntentModel.read`): a word that
is neither in the training utterances (at least twice) nor a whole word of MiniLM's vocabulary
becomes the most frequent utterance word within one edit ("withdrw" -> "withdraw"), so MiniLM
sees the word it knows. A message without typos
is read as written, and its vector is the one the input guard and retrieval already share.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix

from resolution_agent.agent.state import IntentPrediction, IntentScore
from resolution_agent.agent.text import SpellFix, respell
from resolution_agent.agent.understanding.classifier.calibration import Floats, softmax
from resolution_agent.agent.understanding.classifier.embedding import (
    Encoder,
    Matrix,
    wordpiece_words,
)
from resolution_agent.agent.understanding.classifier.lexical import LexicalFeatures
from resolution_agent.agent.understanding.classifier.threads import one_blas_thread

OUT_OF_SCOPE = "out_of_scope"
SOURCE = "embedding"
ALTERNATIVES = 3


@dataclass(frozen=True, slots=True)
class LinearHead:
    """Multinomial logistic regression over all model labels: ``d x k`` weights, ``k`` biases.

    Weights are kept feature-major and contiguous: a sparse row times them needs no copy of the
    matrix (multiplying by a transposed view copied 5 MB per message). Features are brought to
    the weights' float32 before the product, never the other way: SciPy multiplying float64
    features by float32 weights converted the whole 18,537 x 86 lexical matrix on every message
    (~2 ms, more than the heads' arithmetic); converting one sparse row is microseconds. The
    product is then widened to float64 for the softmax, as before.
    """

    weights: NDArray[np.float32]
    intercept: NDArray[np.float32]

    def log_probs(self, features: Matrix | csr_matrix) -> Floats:
        matching = features.astype(self.weights.dtype, copy=False)
        logits = np.asarray(matching @ self.weights, dtype=np.float64) + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        result: Floats = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        return result


@dataclass(frozen=True, slots=True)
class Heads:
    """Both channels and their mix: scores are weighted log-probabilities, before calibration."""

    semantic: LinearHead
    lexical: LinearHead | None = None
    features: LexicalFeatures | None = None
    weight: float = 0.0

    def scores(self, embeddings: Matrix, texts: list[str]) -> Floats:
        combined = self.semantic.log_probs(embeddings)
        if self.lexical is not None and self.features is not None and self.weight > 0:
            lexical = self.lexical.log_probs(self.features.transform(texts))
            combined = (1.0 - self.weight) * combined + self.weight * lexical
        return combined


@dataclass(frozen=True, slots=True)
class OutOfScopeRule:
    min_similarity: float
    min_probability: float


@dataclass(frozen=True, slots=True)
class TrainingReport:
    """What training measured on held-out folds: shown by ``resolve intents train``."""

    rows: int
    classes: int
    cv_accuracy: float
    cv_macro_f1: float
    ece_uncalibrated: float
    ece_calibrated: float
    seconds: float
    source: str = ""


@dataclass(frozen=True, slots=True)
class IntentModel:
    labels: list[str]
    heads: Heads
    temperature: float
    anchors: Matrix
    rule: OutOfScopeRule
    report: TrainingReport
    key: str = ""
    # the training utterances' words and how often each is used (empty: no repair)
    spelling: dict[str, int] = field(default_factory=dict)
    _speller: SpellFix | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        speller = None
        if self.spelling:
            speller = SpellFix(self.spelling, also_known=wordpiece_words())
        object.__setattr__(self, "_speller", speller)

    def respelt(self, texts: list[str]) -> list[str]:
        """``texts`` with the words the training utterances misspell repaired (see above)."""
        speller = self._speller
        return texts if speller is None else [respell(text, speller) for text in texts]

    def read(self, encoder: Encoder, texts: list[str]) -> list[IntentPrediction]:
        """Repair, embed and classify ``texts``: what every caller of the model does."""
        repaired = self.respelt(texts)
        return self.predict(encoder.encode(repaired), repaired)

    def scores(self, embeddings: Matrix, texts: list[str]) -> Floats:
        """Uncalibrated log-scores: the weighted mix of both channels' log-probabilities."""
        return self.heads.scores(embeddings, texts)

    def probabilities(self, embeddings: Matrix, texts: list[str]) -> Floats:
        """Calibrated probabilities, one row per text over :attr:`labels`; rows sum to 1."""
        return softmax(self.scores(embeddings, texts), self.temperature)

    def nearest_similarity(self, embeddings: Matrix) -> NDArray[np.float64]:
        if len(self.anchors) == 0:
            return np.ones(len(embeddings))
        return np.asarray((embeddings @ self.anchors.T).max(axis=1), dtype=np.float64)

    def predict(self, embeddings: Matrix, texts: list[str]) -> list[IntentPrediction]:
        with one_blas_thread():
            probs = self.probabilities(embeddings, texts)
            nearest = self.nearest_similarity(embeddings)
        return [self._decide(row, float(sim)) for row, sim in zip(probs, nearest, strict=True)]

    def _decide(self, probs: Floats, similarity: float) -> IntentPrediction:
        order = np.argsort(-probs, kind="stable")
        ranked = [(self.labels[i], float(probs[i])) for i in order]
        top, confidence = ranked[0]
        far = similarity < self.rule.min_similarity
        unsure = confidence < self.rule.min_probability
        if top == OUT_OF_SCOPE or not (far or unsure):
            return IntentPrediction(
                intent=top,
                confidence=round(confidence, 4),
                alternatives=[_score(k, s) for k, s in ranked[1 : 1 + ALTERNATIVES]],
                source=SOURCE,
            )
        candidates = [(k, s) for k, s in ranked if k != OUT_OF_SCOPE][:ALTERNATIVES]
        rest = max(0.0, 1.0 - sum(s for _, s in candidates))
        return IntentPrediction(
            intent=OUT_OF_SCOPE,
            confidence=round(rest, 4),
            alternatives=[_score(k, s) for k, s in candidates],
            source=SOURCE,
        )


def _score(intent: str, score: float) -> IntentScore:
    return IntentScore(intent=intent, score=round(score, 4))
