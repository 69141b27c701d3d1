"""Hearing money already taken on a lost card: the cue rules first, then the intent model on
the message's pieces, asked only when the message speaks of spending.

The classifier is a fake answering by text (and counting its calls), so what each piece means
is pinned; the real model's part is checked end to end in ``tests/agent/test_person_must_act.py``.
"""

from __future__ import annotations

from collections.abc import Mapping

from resolution_agent.agent.state import IntentPrediction
from resolution_agent.agent.understanding.misuse import hears_card_misuse


def _said(intent: str, confidence: float = 0.9) -> IntentPrediction:
    return IntentPrediction(intent=intent, confidence=confidence, source="test")


class Pieces:
    """Answers by text, all texts of a call together, and records what it was asked."""

    def __init__(self, answers: Mapping[str, IntentPrediction]) -> None:
        self._answers = dict(answers)
        self.asked: list[str] = []

    async def classify(self, text: str) -> IntentPrediction:
        return self.classify_many([text])[0]

    def classify_many(self, texts: list[str]) -> list[IntentPrediction]:
        self.asked += texts
        return [self._answers.get(t, _said("lost_or_stolen_card")) for t in texts]


async def test_a_piece_the_model_is_sure_disowns_a_payment_is_misuse() -> None:
    model = Pieces(
        {
            "theres a 60 quid charge at a garage i know nothing about": _said(
                "card_payment_not_recognised"
            )
        }
    )

    heard = await hears_card_misuse(
        "lost my purse last night, theres a 60 quid charge at a garage i know nothing about",
        model,
    )

    assert heard
    assert model.asked == [
        "lost my purse last night",
        "theres a 60 quid charge at a garage i know nothing about",
    ]


async def test_an_unsure_piece_is_not_misuse() -> None:
    model = Pieces({"a withdrawal of 100 in croydon": _said("cash_withdrawal_not_recognised", 0.4)})

    assert not await hears_card_misuse("card gone and a withdrawal of 100 in croydon", model)


async def test_the_rules_answer_first_and_the_model_is_not_asked() -> None:
    model = Pieces({})

    assert await hears_card_misuse("lost my card and there are payments i never made", model)
    assert model.asked == []


async def test_a_message_without_spending_words_costs_no_model_run() -> None:
    model = Pieces({})

    assert not await hears_card_misuse("I've lost my card, I think I left it on the bus", model)
    assert model.asked == []


async def test_a_piece_saying_nothing_happened_yet_or_only_feared_is_never_asked() -> None:
    disowns = _said("card_payment_not_recognised")
    model = Pieces({"no payments on it so far": disowns, "worried someone might use it": disowns})

    text = "card stolen, no payments on it so far, worried someone might use it"

    assert not await hears_card_misuse(text, model)
    assert model.asked == ["card stolen"]
