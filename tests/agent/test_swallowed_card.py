"""A card kept by a cash machine: frozen at once when it is clear which card, never guessed.

The help centre's first advice is to freeze a swallowed card (``card-swallowed-by-atm``), so the
procedure does it for the customer; a freeze runs without a yes, so it is only ever the one card
it must be. The classifier is scripted: the tests are about the procedure, not the model.
"""

from __future__ import annotations

from collections.abc import Callable

from resolution_agent.agent import Settings
from resolution_agent.agent.retrieval.lexical import LexicalRetriever
from tests.agent.conftest import bank_of, card_status
from tests.agent.scripted_classifier import TableClassifier, agent_with, predicted

ATE = "the cash machine just ate my card"
WHICH = "it was the one ending 3457"
SWALLOWED = predicted("card_swallowed", 0.9)
CLASSIFIER = TableClassifier({ATE: SWALLOWED, WHICH: SWALLOWED})


async def test_the_only_physical_card_is_frozen_and_the_virtual_one_untouched(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    async with agent_with(CLASSIFIER, make_settings, retriever) as agent:
        reply = await agent.handle_message("conv-ate-one", "cus_1009", ATE)
        bank = bank_of(agent)

        assert card_status(bank, "card_1009a") == "frozen"
        assert card_status(bank, "card_1009b") == "active"  # virtual: no machine can keep it
    assert reply.status == "resolved"
    assert "I've frozen your card ending 7324" in reply.text
    assert "treat it as lost" in reply.text
    assert [c.article_id for c in reply.citations] == ["card-swallowed-by-atm"]


async def test_with_two_physical_cards_none_is_frozen_until_the_customer_says_which(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    async with agent_with(CLASSIFIER, make_settings, retriever) as agent:
        first = await agent.handle_message("conv-ate-two", "cus_1006", ATE)
        bank = bank_of(agent)
        frozen_after_first = bank.calls["freeze_card"]
        second = await agent.handle_message("conv-ate-two", "cus_1006", WHICH)

        assert frozen_after_first == 0
        assert "3014 or 3457" in first.text
        assert card_status(bank, "card_1006b") == "frozen"
        assert card_status(bank, "card_1006a") == "active"
    assert "I've frozen your card ending 3457" in second.text
