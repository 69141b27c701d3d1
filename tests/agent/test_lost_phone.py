"""A lost or stolen phone: the help centre's steps, and the card frozen first when asked.

The app on the phone is behind a passcode, so nothing is frozen unasked; a customer without
their phone may ask us to freeze the card in Apple Pay or Google Pay on it, and a freeze is
never guessed at between two cards.
"""

from __future__ import annotations

from collections.abc import Callable

from resolution_agent.agent import Settings
from resolution_agent.agent.retrieval.lexical import LexicalRetriever
from tests.agent.conftest import bank_of, card_status
from tests.agent.scripted_classifier import TableClassifier, agent_with, predicted

PHONE = predicted("lost_or_stolen_phone", 0.95)
ASKED = "my phone fell out my pocket on the bus, apple pay's on it wi my card. can u lock it down?"
TOLD = "my phone got stolen with the kestrel app on it"


async def test_asked_to_lock_it_down_the_only_active_card_is_frozen(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    async with agent_with(TableClassifier({ASKED: PHONE}), make_settings, retriever) as agent:
        reply = await agent.handle_message("conv-phone", "cus_1015", ASKED)
        bank = bank_of(agent)

        assert card_status(bank, "card_1015b") == "frozen"
        assert bank.calls["cancel_card"] == 0
    assert reply.status == "resolved"
    assert "frozen your card ending 3282" in reply.text
    assert "block your SIM" in reply.text
    assert "lost-or-stolen-phone" in [c.article_id for c in reply.citations]


async def test_told_without_an_ask_nothing_is_frozen(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    async with agent_with(TableClassifier({TOLD: PHONE}), make_settings, retriever) as agent:
        reply = await agent.handle_message("conv-phone-told", "cus_1015", TOLD)

        assert card_status(bank_of(agent), "card_1015b") == "active"
    assert reply.status == "resolved"
    assert "you can freeze your card there" in reply.text


async def test_asked_with_two_active_cards_the_reply_asks_which(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    async with agent_with(TableClassifier({ASKED: PHONE}), make_settings, retriever) as agent:
        reply = await agent.handle_message("conv-phone-two", "cus_1007", ASKED)

        assert bank_of(agent).calls["freeze_card"] == 0
    assert reply.status == "awaiting_customer"
    assert "3344" in reply.text and "9087" in reply.text
