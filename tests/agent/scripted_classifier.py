"""An intent classifier that answers from a table: tests of what the graph does with a given
prediction, independent of what the trained model happens to say about a sentence."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.retrieval.lexical import LexicalRetriever
from resolution_agent.agent.state import IntentPrediction, IntentScore


class TableClassifier:
    """Returns the prediction listed for a text; any other text is a failure of the test."""

    def __init__(self, table: dict[str, IntentPrediction]) -> None:
        self.table = table

    async def classify(self, text: str) -> IntentPrediction:
        try:
            return self.table[text]
        except KeyError:
            raise AssertionError(f"no scripted prediction for {text!r}") from None


def predicted(intent: str, confidence: float, *alternatives: tuple[str, float]) -> IntentPrediction:
    return IntentPrediction(
        intent=intent,
        confidence=confidence,
        alternatives=[IntentScore(intent=i, score=s) for i, s in alternatives],
        source="test",
    )


@asynccontextmanager
async def agent_with(
    classifier: TableClassifier,
    make_settings: Callable[..., Settings],
    retriever: LexicalRetriever,
    **overrides: Any,
) -> AsyncIterator[ResolutionAgent]:
    """An offline agent (the ``make_settings`` and ``retriever`` fixtures) on ``classifier``."""
    async with ResolutionAgent(
        make_settings(**overrides), classifier=classifier, retriever=retriever
    ) as agent:
        yield agent
