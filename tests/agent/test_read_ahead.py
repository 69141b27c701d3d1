"""Reading a message ahead: the agent starts the classifier's reading as a message arrives.

The embedding is most of a turn's CPU; started before the turn's first steps (admission, the
first checkpoints) it runs beside them in a worker thread. These tests pin what the agent
asks for and when, and that a reading that fails ahead costs the customer nothing: the real
reading inside the turn is what counts. (``tests/understanding/test_one_encode_per_message``
shows on the real encoder that reading ahead adds no MiniLM run.)
"""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.guards.input import normalise
from resolution_agent.agent.retrieval import LexicalRetriever
from resolution_agent.agent.state import IntentPrediction, IntentScore
from resolution_agent.agent.understanding.base import ReadsAhead

LOST = IntentPrediction(
    intent="lost_or_stolen_card",
    confidence=0.97,
    alternatives=[IntentScore(intent="compromised_card", score=0.02)],
    source="test",
)


class ReadingClassifier:
    """Records each reading ahead, and whether the turn had asked to classify before it."""

    def __init__(self, *, fail: bool = False) -> None:
        self.fail = fail
        self.read: list[tuple[str, int]] = []
        self.classified: list[str] = []

    async def read_ahead(self, text: str) -> None:
        self.read.append((text, len(self.classified)))
        if self.fail:
            raise RuntimeError("the encoder is not there")

    async def classify(self, text: str) -> IntentPrediction:
        self.classified.append(text)
        return LOST


async def test_the_message_is_read_ahead_as_the_guards_read_it_before_any_classification(
    make_settings: Any, new_bank: Any, retriever: LexicalRetriever
) -> None:
    classifier = ReadingClassifier()
    assert isinstance(classifier, ReadsAhead)
    # Full-width letters and a zero-width space: the reading must be of the folded text.
    message = "I've ｌｏｓｔ my\u200b card on the bus"
    async with ResolutionAgent(
        make_settings(), mock_bank=new_bank(), retriever=retriever, classifier=classifier
    ) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", message)

    assert classifier.read == [(normalise(message), 0)]
    assert normalise(message) != message
    assert normalise(message) in classifier.classified
    assert ("freeze_card", "succeeded") in [(a.tool, a.outcome) for a in reply.actions]


async def test_a_reading_that_fails_ahead_leaves_the_turn_to_read_for_itself(
    make_settings: Any, new_bank: Any, retriever: LexicalRetriever
) -> None:
    classifier = ReadingClassifier(fail=True)
    async with ResolutionAgent(
        make_settings(), mock_bank=new_bank(), retriever=retriever, classifier=classifier
    ) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", "I've lost my card on the bus")
        second = await agent.handle_message("c-1", "cus_1001", "no thanks")

    assert len(classifier.read) == 2
    assert ("freeze_card", "succeeded") in [(a.tool, a.outcome) for a in reply.actions]
    assert second.text
