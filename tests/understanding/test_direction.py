"""A request's direction: "freeze it" is never read as unfreezing, whatever the classifier's
blur between the two; the other readings keep their order and share the dropped weight."""

from __future__ import annotations

import pytest

from resolution_agent.agent.state import IntentPrediction, IntentScore
from resolution_agent.agent.understanding.direction import asks_to_freeze, steer

BLURRED = IntentPrediction(
    intent="unfreeze_card",
    confidence=0.5,
    alternatives=[
        IntentScore(intent="lost_or_stolen_card", score=0.4),
        IntentScore(intent="card_swallowed", score=0.1),
    ],
)


def test_asking_to_freeze_drops_the_unfreezing_reading() -> None:
    steered = steer(BLURRED, "left it on the train, freeze it asap")

    assert steered.intent == "lost_or_stolen_card"
    assert steered.confidence == pytest.approx(0.8)
    assert [a.intent for a in steered.alternatives] == ["card_swallowed"]


@pytest.mark.parametrize(
    "text",
    [
        "found it, unfreeze my card please",
        "can you turn my card back on",
        "my card is frozen, why",  # a state, not a request to freeze
        "unlock me card pls",
    ],
)
def test_a_message_that_never_asks_to_freeze_is_left_alone(text: str) -> None:
    assert not asks_to_freeze(text)
    assert steer(BLURRED, text) == BLURRED


def test_freezing_one_card_and_unfreezing_another_is_left_to_the_classifier() -> None:
    assert not asks_to_freeze("freeze my virtual card and unfreeze the physical one")
