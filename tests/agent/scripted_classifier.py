"""An intent classifier that answers from a table: tests of what the graph does with a given
prediction, independent of what the trained model happens to say about a sentence."""

from __future__ import annotations

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
