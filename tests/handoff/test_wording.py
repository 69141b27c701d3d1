"""A COp's queue shows plain wording: the headline names the problem in the intent's
``cop_label``, never the description written for developers, and the sentiment tells a
confused customer from a calm one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from resolution_agent.agent.escalation import fallback_escalation
from resolution_agent.agent.handoff import build_handoff, customer_sentiment
from resolution_agent.agent.policies import Policies, load_policies
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.agent.state import ConversationState, Message
from resolution_agent.agent.templates import Templates

CLOCK = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
POLICIES = load_policies(PROJECT_ROOT / "policies")
TEMPLATES = Templates(PROJECT_ROOT / "prompts")


def said(*texts: str) -> ConversationState:
    """A conversation in which the customer wrote ``texts``, one a turn."""
    return ConversationState(
        conversation_id="c-1",
        customer_id="cus_1001",
        transcript=[
            Message(role="customer", text=t, turn=i, at=CLOCK) for i, t in enumerate(texts)
        ],
    )


def headline(intent: str | None, policies: Policies = POLICIES) -> str:
    state = said("help").model_copy(update={"active_intent": intent})
    escalation = fallback_escalation("low_confidence", policies, intent)
    return build_handoff(state, escalation, policies, TEMPLATES, now=CLOCK).headline


@pytest.mark.parametrize("intent", sorted(POLICIES.intents))
def test_every_headline_names_the_problem_in_the_cop_label_not_the_description(
    intent: str,
) -> None:
    policy = POLICIES.intents[intent]

    text = headline(intent)

    assert text.endswith(f": {policy.cop_label}")
    assert policy.description.rstrip(".").lower() not in text.lower()
    assert "(our own intent)" not in text and "customer asks" not in text.lower()


def test_the_headline_keeps_the_labels_capitals() -> None:
    assert headline("pin_blocked").endswith(": PIN blocked after wrong attempts")
    assert "Apple Pay" in headline("apple_pay_or_google_pay")


def test_a_headline_without_an_intent_says_the_request_is_unclear() -> None:
    assert headline(None) == "Not understood after clarifying: an unclear request"


@pytest.mark.parametrize(
    "text",
    [
        "this is all too confusing",
        "I don't understand any of this",
        "sorry I'm so confused",
        "what does that even mean",
        "I dont understand what you mean!",
        "it's all too much for me",
    ],
)
def test_confusion_and_overwhelm_read_as_confused_not_calm(text: str) -> None:
    assert customer_sentiment(said("where is my card", text)) == "confused"


@pytest.mark.parametrize(
    "text",
    [
        "I don't understand why I was charged twice",
        "I don't understand this charge on my statement",
        "where is my card",
    ],
)
def test_a_question_about_something_is_not_confusion(text: str) -> None:
    assert customer_sentiment(said(text)) == "calm"


def test_distress_and_frustration_outrank_confusion() -> None:
    assert customer_sentiment(said("this is so confusing, I'm panicking")) == "distressed"
    assert customer_sentiment(said("this is confusing and ridiculous")) == "frustrated"
