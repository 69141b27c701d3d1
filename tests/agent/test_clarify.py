"""The clarifying question: options in the customer's words, and a way out that works.

When two intents are close the agent names both in their ``customer_label`` (never the
description written for developers) and ends with "or something else?". Turning both down
hands off once the one question is used, rather than acting on a refused guess; turning them
down and saying what it is instead acts on what was said.

The classifier is a fake that answers by message text, so each test pins what the customer's
words are taken to mean.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.policies import load_policies
from resolution_agent.agent.retrieval import LexicalRetriever
from resolution_agent.agent.settings import PROJECT_ROOT, Settings
from resolution_agent.agent.state import IntentPrediction, IntentScore
from resolution_agent.tools.mockbank import MockBank

POLICIES = load_policies(PROJECT_ROOT / "policies")
# What "where is my card??" is taken to mean: two close guesses, so the agent asks.
UNSURE = IntentPrediction(
    intent="card_arrival",
    confidence=0.52,
    alternatives=[IntentScore(intent="lost_or_stolen_card", score=0.47)],
    source="test",
)


class ByText:
    """Answers each message with the prediction given for its text, else ``default``."""

    def __init__(
        self, answers: Mapping[str, IntentPrediction], default: IntentPrediction = UNSURE
    ) -> None:
        self._answers = dict(answers)
        self._default = default

    async def classify(self, text: str) -> IntentPrediction:
        return self._answers.get(text, self._default)


def sure(intent: str) -> IntentPrediction:
    return IntentPrediction(intent=intent, confidence=0.97, source="test")


def open_agent(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
    classifier: ByText,
) -> ResolutionAgent:
    return ResolutionAgent(
        make_settings(checkpointer="memory"),
        mock_bank=new_bank(),
        retriever=retriever,
        classifier=classifier,
    )


def question_of(reply_text: str) -> str:
    """The question sentence of a reply (the one that ends with a question mark)."""
    return next(s for s in re.split(r"(?<=[.?!])\s+", reply_text) if s.endswith("?"))


async def test_the_question_offers_the_customer_labels_and_ends_with_a_way_out(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
) -> None:
    async with open_agent(make_settings, new_bank, retriever, ByText({})) as agent:
        reply = await agent.handle_message("c-1", "cus_1004", "where is my card??")

    assert reply.status == "awaiting_customer"
    assert question_of(reply.text) == (
        "Just to check I've understood: is this about a card you ordered that hasn't arrived, "
        "or about a lost or stolen card, or something else?"
    )


async def test_no_option_of_any_intent_shows_its_description(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
) -> None:
    names = sorted(POLICIES.intents)
    pairs = {
        f"message {i}": (first, names[(i + 1) % len(names)])
        for i, first in enumerate(names)
        if POLICIES.intents[first].handling != "smalltalk"  # small talk is never clarified
    }
    answers = {
        text: IntentPrediction(
            intent=first,
            confidence=0.4,
            alternatives=[IntentScore(intent=second, score=0.38)],
            source="test",
        )
        for text, (first, second) in pairs.items()
    }
    offered: set[str] = set()
    async with open_agent(make_settings, new_bank, retriever, ByText(answers)) as agent:
        for n, (text, options) in enumerate(pairs.items()):
            reply = await agent.handle_message(f"c-{n}", "cus_1001", text)

            assert reply.status == "awaiting_customer", text
            assert question_of(reply.text).endswith(", or something else?")
            for intent in options:
                if intent == "out_of_scope":
                    continue
                policy = POLICIES.intents[intent]
                assert policy.customer_label in reply.text
                assert policy.description.rstrip(".").lower() not in reply.text.lower()
                offered.add(intent)
    assert "(our own intent)" not in reply.text
    assert offered == set(names) - {"out_of_scope"}


async def test_turning_both_options_down_hands_off_instead_of_acting_on_a_guess(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
) -> None:
    # Read together, both messages would look like a sure card_arrival: the refusal wins.
    both = {"where is my card?? neither": sure("card_arrival")}
    for answer in ("neither", "something else", "none of those", "no"):
        async with open_agent(make_settings, new_bank, retriever, ByText(both)) as agent:
            await agent.handle_message("c-1", "cus_1004", "where is my card??")
            reply = await agent.handle_message("c-1", "cus_1004", answer)

        assert reply.status == "handed_off", answer
        assert reply.actions == [], answer
        assert reply.handoff is not None
        assert reply.handoff.reasons[0].rule_id == "ESC-LOW-CONFIDENCE"
        assert reply.handoff.headline == "Not understood after clarifying: an unclear request"


async def test_turning_both_down_and_saying_what_it_is_acts_on_what_was_said(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
) -> None:
    said_instead = {"I want to close my account": sure("terminate_account")}
    async with open_agent(make_settings, new_bank, retriever, ByText(said_instead)) as agent:
        await agent.handle_message("c-1", "cus_1004", "where is my card??")
        reply = await agent.handle_message(
            "c-1", "cus_1004", "no, something else: I want to close my account"
        )
        conversation = await agent.get_conversation("c-1")

    assert conversation.state.active_intent == "terminate_account"
    assert reply.status == "resolved"
