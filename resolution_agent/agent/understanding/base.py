"""The interface an intent classifier fills; the graph depends on nothing else of it."""

from __future__ import annotations

from typing import Protocol

from resolution_agent.agent.state import IntentPrediction


class IntentClassifier(Protocol):
    async def classify(self, text: str) -> IntentPrediction:
        """Top intent with a confidence in 0..1 and ranked alternatives."""
        ...
