"""Answering the clarifying question by picking an option: by number, by position, by words.

The classifier is a fake that answers by message text, so the options offered are pinned; the
test checks that the pick proceeds with that option (the card is frozen, or the delivery
checked) and that the question names at most three options.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.policies import load_policies
from resolution_agent.agent.retrieval import LexicalRetriever
from resolution_agent.agent.settings import PROJECT_ROOT, Settings
from resolution_agent.agent.state import IntentPrediction, IntentScore
from resolution_agent.agent.understanding.choice import clarify_options, read_pick
from resolution_agent.tools.mockbank import MockBank

POLICIES = load_policies(PROJECT_ROOT / "policies")
# What "where is my card??" is taken to mean: three close guesses, so the agent asks.
UNSURE = IntentPrediction(
    intent="card_arrival",
    confidence=0.45,
    alternatives=[
        IntentScore(intent="lost_or_stolen_card", score=0.40),
        IntentScore(intent="card_swallowed", score=0.10),
        IntentScore(intent="out_of_scope", score=0.03),
        IntentScore(intent="card_linking", score=0.02),
    ],
    source="test",
)


class ByText:
    """Answers each message with the prediction given for its text, else ``default``."""

    def __init__(self, answers: Mapping[str, IntentPrediction]) -> None:
        self._answers = dict(answers)

    async def classify(self, text: str) -> IntentPrediction:
        return self._answers.get(text, UNSURE)


def agent_on(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
) -> ResolutionAgent:
    return ResolutionAgent(
        make_settings(checkpointer="memory"),
        mock_bank=new_bank(),
        retriever=retriever,
        classifier=ByText({}),
    )


async def test_the_question_names_the_three_likeliest_problems_in_customer_words(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
) -> None:
    async with agent_on(make_settings, new_bank, retriever) as agent:
        reply = await agent.handle_message("c-q", "cus_1001", "where is my card??")

    labels = [POLICIES.intents[i].customer_label for i in ("card_arrival", "lost_or_stolen_card")]
    third = POLICIES.intents["card_swallowed"].customer_label
    assert reply.text.startswith(
        f"Just to check I've understood: is this about {labels[0]}, or about {labels[1]}, "
        f"or about {third}, or something else?"
    )
    assert POLICIES.intents["card_linking"].customer_label not in reply.text


@pytest.mark.parametrize("answer", ["2", "the second one", "second pls", "the lost one"])
async def test_picking_the_lost_card_option_freezes_the_card(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
    answer: str,
) -> None:
    bank = new_bank()
    async with ResolutionAgent(
        make_settings(checkpointer="memory"),
        mock_bank=bank,
        retriever=retriever,
        classifier=ByText({}),
    ) as agent:
        await agent.handle_message("c-pick", "cus_1001", "where is my card??")
        reply = await agent.handle_message("c-pick", "cus_1001", answer)

    assert bank.state.cards["card_1001a"].status == "frozen"
    assert "frozen" in reply.text
    assert reply.status == "awaiting_customer"  # the cancel question follows the freeze


async def test_picking_the_first_option_checks_the_delivery_and_never_freezes(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
) -> None:
    bank = new_bank()
    async with ResolutionAgent(
        make_settings(checkpointer="memory"),
        mock_bank=bank,
        retriever=retriever,
        classifier=ByText({}),
    ) as agent:
        await agent.handle_message("c-first", "cus_1004", "where is my card??")
        reply = await agent.handle_message("c-first", "cus_1004", "the first")

    assert bank.calls["get_card_delivery"] == 1
    assert bank.calls["freeze_card"] == 0
    assert reply.status == "resolved"


def test_options_skip_out_of_scope_and_faint_third_guesses() -> None:
    faint = UNSURE.model_copy(
        update={"alternatives": [IntentScore(intent="lost_or_stolen_card", score=0.4)]}
    )
    assert clarify_options(UNSURE, POLICIES) == [
        "card_arrival",
        "lost_or_stolen_card",
        "card_swallowed",
    ]
    assert clarify_options(faint, POLICIES) == ["card_arrival", "lost_or_stolen_card"]


@pytest.mark.parametrize(
    ("answer", "picked"),
    [
        ("1", "card_arrival"),
        ("the first one please", "card_arrival"),
        ("3", "card_swallowed"),
        ("the last", "card_swallowed"),
        ("stolen", "lost_or_stolen_card"),
        ("4", None),
        ("card", None),  # shared by every option: not a pick
        ("my card was taken from my bag at the gym yesterday afternoon", None),
    ],
)
def test_a_pick_is_a_position_or_words_only_one_option_has(answer: str, picked: str | None) -> None:
    options = clarify_options(UNSURE, POLICIES)
    assert read_pick(answer, options, POLICIES) == picked
