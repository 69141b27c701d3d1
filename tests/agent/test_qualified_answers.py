"""Questions narrowed by a place, a time, a channel or an amount get the fact asked for, cited."""

from __future__ import annotations

from resolution_agent.agent import ResolutionAgent
from tests.agent.conftest import bank_of


async def test_a_card_payment_abroad_at_the_weekend_is_answered_with_the_weekend_card_fact(
    agent: ResolutionAgent,
) -> None:
    reply = await agent.handle_message(
        "conv-weekend-card",
        "cus_1009",
        "if i pay by card in a shop in spain on a sunday, do i get the weekend markup?",
    )

    assert reply.status == "resolved"
    # The article's "Card payments at the weekend", not its general "When the markup applies".
    assert "The weekend markup doesn't apply to card payments" in reply.text
    assert "10pm on Friday" not in reply.text
    assert [c.article_id for c in reply.citations] == ["weekend-exchange-rates"]


async def test_how_long_a_new_card_takes_is_stated_when_none_is_on_its_way(
    agent: ResolutionAgent,
) -> None:
    reply = await agent.handle_message(
        "conv-card-time", "cus_1001", "if i order a new card today how long does it take to come"
    )

    assert reply.status == "resolved"
    assert "I can't see a card on its way" in reply.text
    assert "within 3 to 5 working days" in reply.text
    assert [c.article_id for c in reply.citations] == ["card-delivery-times"]
    assert bank_of(agent).calls["cancel_card"] == 0


async def test_the_fee_for_cash_abroad_states_the_allowance_and_the_charge(
    agent: ResolutionAgent,
) -> None:
    reply = await agent.handle_message(
        "conv-cash-abroad",
        "cus_1009",
        "how much does it cost me to take cash out of a machine when im abroad?",
    )

    assert reply.status == "resolved"
    assert "free up to £200 a month" in reply.text
    assert "2%" in reply.text
    assert [c.article_id for c in reply.citations] == ["cash-withdrawals-abroad"]


async def test_a_question_asking_two_facts_states_both_and_cites_both_articles(
    agent: ResolutionAgent,
) -> None:
    reply = await agent.handle_message(
        "conv-chaps",
        "cus_1019",
        "how much is a CHAPS payment with you and does it get there the same day?",
    )

    assert reply.status == "resolved"
    assert "£20" in reply.text
    assert "same working day" in reply.text
    assert {c.article_id for c in reply.citations} == {"transfer-fees", "transfer-timing"}
