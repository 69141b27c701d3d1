"""The decide node: resolve, clarify once, or escalate, with the rule that decided recorded.

The classifier is replaced by one that returns given predictions, so each test pins the
exact confidence and runner-up that the thresholds in settings are compared with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.retrieval import LexicalRetriever
from resolution_agent.agent.settings import Settings
from resolution_agent.agent.state import IntentPrediction, IntentScore
from resolution_agent.tools.mockbank import MockBank


class FixedClassifier:
    """Answers each message with the next of the given predictions."""

    def __init__(self, *predictions: IntentPrediction) -> None:
        self._predictions = list(predictions)

    async def classify(self, text: str) -> IntentPrediction:
        return self._predictions.pop(0) if len(self._predictions) > 1 else self._predictions[0]


def predicted(intent: str, confidence: float, runner_up: tuple[str, float] | None = None) -> Any:
    alternatives = [IntentScore(intent=runner_up[0], score=runner_up[1])] if runner_up else []
    return IntentPrediction(
        intent=intent, confidence=confidence, alternatives=alternatives, source="test"
    )


async def run(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
    classifier: FixedClassifier,
    *messages: str,
    **settings: Any,
) -> tuple[list[Any], Any]:
    async with ResolutionAgent(
        make_settings(**settings), mock_bank=new_bank(), retriever=retriever, classifier=classifier
    ) as agent:
        replies = [await agent.handle_message("c-1", "cus_1001", m) for m in messages]
        conversation = await agent.get_conversation("c-1")
    return replies, conversation.state


async def test_confident_intent_resolves(
    make_settings: Any, new_bank: Any, retriever: LexicalRetriever
) -> None:
    classifier = FixedClassifier(predicted("lost_or_stolen_card", 0.97, ("compromised_card", 0.02)))
    [reply], state = await run(make_settings, new_bank, retriever, classifier, "lost my card")
    assert state.this_turn.decision.rule_id == "DEC-RESOLVE"
    assert ("freeze_card", "succeeded") in [(a.tool, a.outcome) for a in reply.actions]


async def test_low_confidence_clarifies_once_then_hands_off(
    make_settings: Any, new_bank: Any, retriever: LexicalRetriever
) -> None:
    classifier = FixedClassifier(predicted("card_arrival", 0.31, ("lost_or_stolen_card", 0.2)))
    replies, state = await run(
        make_settings, new_bank, retriever, classifier, "card thing", "the card thing"
    )
    assert replies[0].status == "awaiting_customer"
    assert replies[1].status == "handed_off"
    assert replies[1].handoff is not None
    assert "ESC-LOW-CONFIDENCE" in {r.rule_id for r in replies[1].handoff.reasons}
    assert state.this_turn.decision.route == "escalate"


async def test_top_two_close_clarifies_even_when_confident(
    make_settings: Any, new_bank: Any, retriever: LexicalRetriever
) -> None:
    classifier = FixedClassifier(predicted("card_arrival", 0.52, ("lost_or_stolen_card", 0.47)))
    [reply], state = await run(make_settings, new_bank, retriever, classifier, "my card?")
    assert state.this_turn.decision.rule_id == "DEC-CLARIFY"
    assert reply.status == "awaiting_customer"


async def test_thresholds_come_from_settings(
    make_settings: Any, new_bank: Any, retriever: LexicalRetriever
) -> None:
    classifier = FixedClassifier(predicted("lost_or_stolen_card", 0.6, ("compromised_card", 0.1)))
    _, strict = await run(
        make_settings, new_bank, retriever, classifier, "lost", clarify_threshold=0.7
    )
    assert strict.this_turn.decision.rule_id == "DEC-CLARIFY"


async def test_confident_escalation_intent_hands_off_with_the_intent_rule(
    make_settings: Any, new_bank: Any, retriever: LexicalRetriever
) -> None:
    classifier = FixedClassifier(predicted("financial_difficulty", 0.9, ("out_of_scope", 0.05)))
    [reply], state = await run(make_settings, new_bank, retriever, classifier, "money's tight")
    assert reply.status == "handed_off"
    assert state.this_turn.decision.rule_id.endswith("FINANCIAL_DIFFICULTY")


async def test_unsure_guess_at_an_escalation_intent_is_clarified_not_handed_off(
    make_settings: Any, new_bank: Any, retriever: LexicalRetriever
) -> None:
    classifier = FixedClassifier(predicted("financial_difficulty", 0.39, ("out_of_scope", 0.38)))
    [reply], state = await run(
        make_settings, new_bank, retriever, classifier, "what about at weekends?"
    )
    assert reply.status == "awaiting_customer"
    assert state.this_turn.decision.rule_id == "DEC-CLARIFY"


async def test_a_risk_signal_escalates_whatever_the_classifier_says(
    make_settings: Any, new_bank: Any, retriever: LexicalRetriever
) -> None:
    classifier = FixedClassifier(predicted("exchange_rate", 0.99, ("exchange_charge", 0.01)))
    [reply], state = await run(
        make_settings,
        new_bank,
        retriever,
        classifier,
        "the bank rang and told me to move my money to a safe account, what's the rate",
    )
    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert reply.handoff.queue == "fincrime"
    assert state.this_turn.decision.route == "escalate"


async def test_a_one_word_problem_is_clarified_even_when_the_classifier_is_sure(
    make_settings: Any, new_bank: Any, retriever: LexicalRetriever
) -> None:
    classifier = FixedClassifier(predicted("card_arrival", 0.95, ("lost_or_stolen_card", 0.03)))
    replies, _ = await run(make_settings, new_bank, retriever, classifier, "card", "card!!")
    assert replies[0].status == "awaiting_customer"
    assert replies[1].status == "handed_off"  # still one word after the one question


async def test_a_card_named_by_its_last_digits_is_not_vague(
    make_settings: Any, new_bank: Any, retriever: LexicalRetriever
) -> None:
    classifier = FixedClassifier(predicted("lost_or_stolen_card", 0.95, ("compromised_card", 0.03)))
    _, state = await run(make_settings, new_bank, retriever, classifier, "card 4821")
    assert state.this_turn.decision.rule_id == "DEC-RESOLVE"
