"""A card the carrier marked delivered that never came: the reply offers to cancel and replace it,
and the customer's answer ("nobody has it, cancel it and send another one") takes that up.

The classifier is scripted to misread the answer confidently as a bank transfer, as the real
one can: an answer pointing back at what we asked about stays with the card all the same.
"""

from __future__ import annotations

from collections.abc import Callable

from resolution_agent.agent import Settings
from resolution_agent.agent.retrieval.lexical import LexicalRetriever
from resolution_agent.agent.understanding.requests import refers_back
from tests.agent.conftest import bank_of, card_status
from tests.agent.scripted_classifier import TableClassifier, agent_with, predicted

CUSTOMER = "cus_1022"  # card_1022b: marked delivered by Royal Mail
NOT_HERE = "royal mail says my new card was delivered but it defo wasnt"
NOBODY_HAS_IT = "checked with the neighbours, nobody has it. cancel it and send another one"
CLASSIFIER = TableClassifier(
    {
        NOT_HERE: predicted("card_arrival", 0.9),
        NOBODY_HAS_IT: predicted("transfer_not_received_by_recipient", 0.81),
        "yes": predicted("out_of_scope", 0.3),
    }
)


async def test_the_answer_to_the_offer_cancels_and_replaces_the_card_after_a_yes(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    async with agent_with(CLASSIFIER, make_settings, retriever) as agent:
        first = await agent.handle_message("conv-marked", CUSTOMER, NOT_HERE)
        asked = await agent.handle_message("conv-marked", CUSTOMER, NOBODY_HAS_IT)
        bank = bank_of(agent)
        cancels_before_yes = bank.calls["cancel_card"]
        done = await agent.handle_message("conv-marked", CUSTOMER, "yes")

        assert card_status(bank, "card_1022b") == "cancelled"
        assert card_status(bank, "card_1022c") == "active"
    assert first.status == "awaiting_customer" and "delivered" in first.text
    assert "cancel the card ending 3302" in asked.text and "yes or no" in asked.text
    assert cancels_before_yes == 0
    assert done.status == "resolved"
    assert "I've cancelled your card ending 3302" in done.text
    assert [(a.tool, a.args) for a in done.actions] == [
        ("cancel_card", {"card_id": "card_1022b", "reason": "lost", "replace": True})
    ]


async def test_a_card_marked_delivered_is_only_explained_until_a_replacement_is_asked_for(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    async with agent_with(CLASSIFIER, make_settings, retriever) as agent:
        reply = await agent.handle_message("conv-marked-only", CUSTOMER, NOT_HERE)

        assert bank_of(agent).calls["cancel_card"] == 0
    assert "tell me and I'll cancel it and send a replacement" in reply.text


def test_an_answer_naming_nothing_new_refers_back() -> None:
    assert refers_back(NOBODY_HAS_IT)
    assert refers_back("he's lost it")
    assert not refers_back("how do i add it to apple pay")  # a question of its own
    assert not refers_back("my direct debit to EE went out twice")


async def test_a_yes_to_the_offer_asks_to_cancel_and_cancels_nothing_before_the_next_yes(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    classifier = TableClassifier(
        {NOT_HERE: predicted("card_arrival", 0.9), "yes please": predicted("out_of_scope", 0.3)}
    )
    async with agent_with(classifier, make_settings, retriever) as agent:
        await agent.handle_message("conv-marked-yes", CUSTOMER, NOT_HERE)
        asked = await agent.handle_message("conv-marked-yes", CUSTOMER, "yes please")

        assert bank_of(agent).calls["cancel_card"] == 0
    assert "cancel the card ending 3302" in asked.text and "yes or no" in asked.text
