"""Similar closed cases: what was done for cases like this one, and the reply that closed them.

A COp taking a case wants the precedent: the closed cases closest to it, their resolution codes
and the words a colleague used. Closeness has two halves, combined into one score:

- **meaning**: the cosine of the MiniLM vectors (the intent classifier's shared encoder) of the
  two cases' issue texts, the customer's own words as the handoff summary holds them, since two
  customers describe the same problem in different words;
- **facts**: what the agent established, which words cannot: the same intent, the same queue,
  the risk signals they share (Jaccard) and a merchant or payee in common.

Meaning weighs more (:data:`MEANING_WEIGHT`) because the facts are coarse: every fincrime case
shares a queue, so facts alone cannot order them. A case with no customer words (unlikely:
every handoff starts from a message) is read by its headline. The ranking is a pure function
of the cases and their vectors; :mod:`agent.desk._aid` gathers them and runs the encoder.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.handoff_model import HandoffSummary
from resolution_agent.agent.understanding.classifier.embedding import Matrix
from resolution_agent.agent.vocabulary import Queue

__all__ = [
    "FACT_WEIGHTS",
    "MEANING_WEIGHT",
    "CaseFacts",
    "SimilarCase",
    "issue_text",
    "rank_similar",
]

#: The share of the score that is meaning; the rest is facts.
MEANING_WEIGHT = 0.6
#: How the facts share their part: the intent says most about what the COp will do next.
FACT_WEIGHTS = {"intent": 0.4, "queue": 0.2, "risk": 0.2, "merchant": 0.2}
#: Cases scoring below this are not shown: a list of unrelated cases is worse than none.
MIN_SCORE = 0.35


class CaseFacts(BaseModel):
    """One case as similarity reads it: its words, its facts, and how it ended."""

    model_config = ConfigDict(frozen=True)

    conversation_id: str
    headline: str
    text: str
    intent: str | None
    queue: Queue
    risks: frozenset[str] = frozenset()
    merchants: frozenset[str] = frozenset()
    resolution_code: str | None = None
    closing_reply: str | None = None


class SimilarCase(BaseModel):
    """A closed case close to the one in hand, with the parts of the score and what matched."""

    model_config = ConfigDict(frozen=True)

    conversation_id: str
    headline: str
    intent: str | None
    queue: Queue
    resolution_code: str | None
    closing_reply: str | None  # the last COp message before closing; None if they sent none
    score: float
    meaning: float
    facts: float
    shared: list[str]  # the facts in common, e.g. "intent", "risk:scam", "merchant:tesco"


def issue_text(summary: HandoffSummary) -> str:
    """The customer's words in the handoff summary (their issue, as they put it)."""
    said = " ".join(line.text for line in summary.transcript if line.role == "customer")
    return said.strip() or summary.headline


def _facts(case: CaseFacts, other: CaseFacts) -> tuple[float, list[str]]:
    shared: list[str] = []
    score = 0.0
    if case.intent is not None and case.intent == other.intent:
        score += FACT_WEIGHTS["intent"]
        shared.append("intent")
    if case.queue == other.queue:
        score += FACT_WEIGHTS["queue"]
        shared.append("queue")
    risks = case.risks | other.risks
    if risks:
        common = case.risks & other.risks
        score += FACT_WEIGHTS["risk"] * len(common) / len(risks)
        shared.extend(f"risk:{r}" for r in sorted(common))
    merchants = case.merchants & other.merchants
    if merchants:
        score += FACT_WEIGHTS["merchant"]
        shared.extend(f"merchant:{m}" for m in sorted(merchants))
    return score, shared


def rank_similar(
    case: CaseFacts,
    vector: Matrix,
    candidates: Sequence[CaseFacts],
    vectors: Matrix,
    *,
    limit: int = 5,
) -> list[SimilarCase]:
    """The ``limit`` candidates closest to ``case``, best first (ties by conversation id).

    ``vector`` is the case's L2-normalised issue vector (one row) and ``vectors`` the
    candidates', row for row; the case itself is never its own neighbour.
    """
    if len(candidates) != len(vectors):
        raise ValueError(f"{len(candidates)} candidates but {len(vectors)} vectors")
    if not candidates:
        return []
    cosines = np.clip(vectors @ vector.reshape(-1), 0.0, 1.0)
    found: list[SimilarCase] = []
    for other, cosine in zip(candidates, cosines, strict=True):
        if other.conversation_id == case.conversation_id:
            continue
        facts, shared = _facts(case, other)
        meaning = float(cosine)
        score = MEANING_WEIGHT * meaning + (1 - MEANING_WEIGHT) * facts
        if score < MIN_SCORE:
            continue
        found.append(
            SimilarCase(
                conversation_id=other.conversation_id,
                headline=other.headline,
                intent=other.intent,
                queue=other.queue,
                resolution_code=other.resolution_code,
                closing_reply=other.closing_reply,
                score=round(score, 4),
                meaning=round(meaning, 4),
                facts=round(facts, 4),
                shared=shared,
            )
        )
    found.sort(key=lambda s: (-s.score, s.conversation_id))
    return found[:limit]
