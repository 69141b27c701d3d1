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


LOST_OR_FOUND = IntentPrediction(
    intent="lost_or_stolen_card",
    confidence=0.84,
    alternatives=[
        IntentScore(intent="unfreeze_card", score=0.1),
        IntentScore(intent="card_swallowed", score=0.06),
    ],
)


@pytest.mark.parametrize(
    "text",
    [
        "found my card down the back of the sofa!! can i use it again now",
        "good news my card turned up",
        "I found it, the card was in my coat pocket",
        "found it, unfreeze my card please",
    ],
)
def test_a_card_the_customer_found_is_no_lost_card(text: str) -> None:
    steered = steer(LOST_OR_FOUND, text)

    assert steered.intent == "unfreeze_card"
    assert "lost_or_stolen_card" not in [a.intent for a in steered.alternatives]


@pytest.mark.parametrize(
    "text",
    [
        "found my card but it's snapped, cancel it and send a new one",
        "i found a payment i don't know on my card",
        "lost my card on the bus",
    ],
)
def test_a_found_card_asked_to_be_cancelled_or_no_card_found_keeps_the_lost_reading(
    text: str,
) -> None:
    assert steer(LOST_OR_FOUND, text) == LOST_OR_FOUND


def test_blocking_a_card_is_no_blocked_pin_unless_the_pin_is_named() -> None:
    blocked = IntentPrediction(
        intent="pin_blocked",
        confidence=0.61,
        alternatives=[
            IntentScore(intent="declined_card_payment", score=0.06),
            IntentScore(intent="lost_or_stolen_card", score=0.05),
        ],
    )
    pinched = "my bag got pinched on the elizabeth line, please block the card"

    assert steer(blocked, pinched).intent == "declined_card_payment"
    assert "pin_blocked" not in [a.intent for a in steer(blocked, pinched).alternatives]
    assert steer(blocked, "my pin is locked, block the card until i sort it") == blocked
