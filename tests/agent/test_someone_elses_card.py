"""A card that belongs to someone else: the agent says it can't act on it and touches none of
the customer's own cards in its place.

The classifier is scripted (a sure lost-card intent), so the tests are about the planner: the
intent alone would freeze the customer's own card at once.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.retrieval.lexical import LexicalRetriever
from resolution_agent.agent.understanding.signals import reports_someone_elses_card
from tests.agent.conftest import bank_of, card_status
from tests.agent.scripted_classifier import TableClassifier, agent_with, predicted

GIRLFRIEND = "my girlfriends card got stolen, shes here with me now"
BOTH = "my wallet got stolen with my card and my wifes card in it"
LOST = predicted("lost_or_stolen_card", 0.95)


async def test_someone_elses_stolen_card_freezes_none_of_the_customers_own(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    async with agent_with(TableClassifier({GIRLFRIEND: LOST}), make_settings, retriever) as agent:
        reply = await agent.handle_message("conv-gf", "cus_1016", GIRLFRIEND)
        bank = bank_of(agent)

        assert card_status(bank, "card_1016a") == "active"
        assert bank.calls["freeze_card"] == bank.calls["cancel_card"] == 0
    assert reply.status == "resolved"
    assert "belongs to someone else" in reply.text
    assert "2523" not in reply.text  # nor is the customer's own card offered instead


async def test_the_customers_own_card_stolen_with_someone_elses_is_still_frozen(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    async with agent_with(TableClassifier({BOTH: LOST}), make_settings, retriever) as agent:
        await agent.handle_message("conv-both", "cus_1016", BOTH)

        assert card_status(bank_of(agent), "card_1016a") == "frozen"


@pytest.mark.parametrize(
    "text",
    [
        GIRLFRIEND,
        "my mum Amelia Hughes has had her card stolen, can you freeze it for her?",
        "can you check if my brother oliver bennett's card is still frozen?",
        "my partner has his own card on our joint account and he's lost it, freeze his one",
        "my dad left his card in the taxi, can you stop it? its his not mine",
        "my gf dropped her card somewhere in town, can you block it",
        "my older brother's kestrel card has been eaten by the machine",
        "my brother-in-law's card got nicked at the match, can you stop it",
        "my sister in law's debit card was taken from her bag",
        "shes only gone and lost her bank card again, can u freeze it for her",
        "me twin brother Conor's new kestrel card still hasnt turned up, can ye check on it",
        # "to mine" is where to post it, not a card of the customer's own
        "my sister funmi's kestrel card expired, can you send her another one? to mine is fine",
    ],
)
def test_a_relatives_card_is_someone_elses(text: str) -> None:
    assert reports_someone_elses_card(text)


@pytest.mark.parametrize(
    "text",
    [
        BOTH,
        "My son thinks my card ending 9087 has been compromised online",
        "sorry my mistake, my partner used my card for that",
        "my mum lost her card and i lost mine",
        "sent money to my brother and he still hasnt got it",
        "the shop said their card machine was down so i paid by transfer",
        # "has his own card": said to rule him out, so the card in question is not his
        "neither of them's us, Sam's got his own card an he's been at work since 7",
    ],
)
def test_the_customers_own_card_or_no_card_is_not_someone_elses(text: str) -> None:
    assert not reports_someone_elses_card(text)


async def test_someone_elses_declined_card_shows_none_of_the_customers_payments(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    text = "my sister's card keeps getting declined at the shops, can you see why"
    declined = predicted("declined_card_payment", 0.95)
    async with agent_with(TableClassifier({text: declined}), make_settings, retriever) as agent:
        reply = await agent.handle_message("conv-sis", "cus_1011", text)

    assert reply.status == "resolved"
    assert "belongs to someone else" in reply.text
    assert "Waitrose" not in reply.text  # the customer's own declined payment is not shown


async def test_a_card_named_by_an_ending_none_of_theirs_has_is_never_swapped_for_theirs(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    named = "her name is on it, card ending 1111. please freeze it"
    classifier = TableClassifier({GIRLFRIEND: LOST, named: LOST})
    async with agent_with(classifier, make_settings, retriever) as agent:
        await agent.handle_message("conv-gf-named", "cus_1016", GIRLFRIEND)
        reply = await agent.handle_message("conv-gf-named", "cus_1016", named)
        bank = bank_of(agent)

        assert card_status(bank, "card_1016a") == "active"
        assert bank.calls["freeze_card"] == 0
    assert "belongs to someone else" in reply.text
    assert "2523" not in reply.text


async def test_unsure_which_card_problem_but_someone_elses_card_asks_nothing_and_acts_on_none(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    text = "my nan's card got stuck in the machine at the bank, can you freeze it for her"
    unsure = predicted(
        "card_swallowed", 0.3, ("lost_or_stolen_card", 0.28), ("order_physical_card", 0.1)
    )
    async with agent_with(TableClassifier({text: unsure}), make_settings, retriever) as agent:
        reply = await agent.handle_message("conv-nan", "cus_1016", text)

        assert bank_of(agent).calls["freeze_card"] == 0
    assert reply.status == "resolved"
    assert "belongs to someone else" in reply.text


AU_PAIR = (
    "Our au pair's Kestrel card was taken from her room at our house. Could you cancel it and "
    "send her a replacement to our address?"
)
HOUSEMATE = (
    "my housemate got charged twice by the chinese takeaway on friday on her kestrel card, can u "
    "refund one for her? shes at work"
)


@pytest.mark.parametrize("text", [AU_PAIR, HOUSEMATE])
async def test_asking_us_to_act_for_someone_else_on_their_card_is_declined_whatever_the_intent(
    agent: ResolutionAgent, text: str
) -> None:
    """Read as ordering a card and as a refund question, neither of which acts on a card by its
    own policy; what is asked of us is still done to someone else's card."""
    reply = await agent.handle_message("conv-for-them", "cus_1016", text)

    bank = bank_of(agent)
    assert card_status(bank, "card_1016a") == "active"
    assert bank.calls["cancel_card"] == bank.calls["raise_dispute"] == 0
    assert reply.status == "resolved"
    assert "belongs to someone else" in reply.text


def test_our_au_pairs_or_lodgers_card_is_someone_elses() -> None:
    assert reports_someone_elses_card(AU_PAIR)
    assert reports_someone_elses_card("our lodger's card got declined at the shop")
