"""The interface an intent classifier fills; the graph depends on nothing else of it."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from resolution_agent.agent.state import IntentPrediction


class IntentClassifier(Protocol):
    async def classify(self, text: str) -> IntentPrediction:
        """Top intent with a confidence in 0..1 and ranked alternatives."""
        ...


@runtime_checkable
class ReadsAhead(Protocol):
    """A classifier whose reading of a message (an embedding) can start before it is asked.

    Optional: the agent starts it as a message arrives, so the reading runs in a worker thread
    while the event loop admits the message and runs the first steps; the input guard, the
    classifier and retrieval then find it done. A classifier without it (keywords, a test
    double) reads when asked.
    """

    async def read_ahead(self, text: str) -> None: ...
