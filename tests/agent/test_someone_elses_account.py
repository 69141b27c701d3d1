"""An account, balance or payment that belongs to someone else: the agent says it can't look at
or change it, and none of the customer's own payments is looked up or cancelled in its place.

The classifier is scripted where the intent matters (a sure cancel-transfer intent would
otherwise offer to cancel the customer's own payment to the same payee).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.retrieval.lexical import LexicalRetriever
from resolution_agent.agent.understanding.signals import reports_someone_elses_account
from tests.agent.conftest import bank_of
from tests.agent.scripted_classifier import TableClassifier, agent_with, predicted

FLATMATE = (
    "my flatmate's away offshore n asked me to stop his standing order to highland homes for "
    "the 1st, hes with kestrel too. can ye cancel it for him"
)
NEIGHBOUR = "could you tell me how much money my elderly neighbour has left in her account"


async def test_someone_elses_standing_order_cancels_none_of_the_customers_own(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    sure = predicted("cancel_transfer", 0.95)
    async with agent_with(TableClassifier({FLATMATE: sure}), make_settings, retriever) as agent:
        reply = await agent.handle_message("conv-flatmate", "cus_1020", FLATMATE)
        bank = bank_of(agent)

        assert bank.state.payments["pay_1020_02"].status == "scheduled"
        assert bank.calls["cancel_payment"] == bank.calls["list_payments"] == 0
    assert reply.status == "resolved"
    assert "belongs to someone else" in reply.text
    assert "Highland" not in reply.text  # nor is the customer's own payment offered instead


async def test_unsure_but_asking_after_someone_elses_balance_asks_nothing_and_shows_nothing(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    unsure = predicted("receiving_money", 0.35, ("bereavement", 0.3))
    async with agent_with(TableClassifier({NEIGHBOUR: unsure}), make_settings, retriever) as agent:
        reply = await agent.handle_message("conv-neighbour", "cus_1008", NEIGHBOUR)

        # nothing of the customer's is looked up (the customer check at the door aside)
        assert set(bank_of(agent).calls) <= {"get_customer"}
    assert reply.status == "resolved"
    assert "belongs to someone else" in reply.text


async def test_how_they_can_do_it_themselves_is_answered(agent: ResolutionAgent) -> None:
    reply = await agent.handle_message(
        "conv-dad", "cus_1008", "how can my dad check his balance in the app"
    )

    assert "belongs to someone else" not in reply.text


@pytest.mark.parametrize(
    "text",
    [
        FLATMATE,
        NEIGHBOUR,
        "can you check my mum's balance",
        "my husband's direct debit for the car needs cancelling",
        "my daughter needs her pin unblocked",
        "can you see if my son's savings got the interest",
        "My brother Piotr can't log in, so please cancel his Yorkshire Water direct debit for him",
    ],
)
def test_someone_elses_account_balance_or_payment_is_recognised(text: str) -> None:
    assert reports_someone_elses_account(text)


@pytest.mark.parametrize(
    "text",
    [
        "i sent my mum 50 and her account shows nothing",  # the customer's own payment
        "paid 40 into my son's account yesterday, not there",
        "i need to send money to her account",
        "the gym still takes their direct debit",  # a company's, on the customer's account
        "whats my balance",
        "can i add my wife to my account",
        "my wife's direct debit for her gym comes out of our joint account, cancel it",
        # a payee's name between "her" and the payment must be capitalised as a name is
        "i owe her back the money for the tickets",
    ],
)
def test_money_the_customer_sent_them_or_a_companys_debit_is_the_customers_own(
    text: str,
) -> None:
    assert not reports_someone_elses_account(text)
