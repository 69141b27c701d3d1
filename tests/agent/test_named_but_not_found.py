"""A shop or payee the customer names that is not in their records: the agent says it found
nothing under that name, and never offers someone else's payment in its place."""

from __future__ import annotations

from resolution_agent.agent import ResolutionAgent
from resolution_agent.agent.planning.steps import named_party
from tests.agent.conftest import bank_of


async def test_a_payee_with_no_scheduled_payment_is_not_swapped_for_another(
    agent: ResolutionAgent,
) -> None:
    bank = bank_of(agent)  # cus_1001 has one scheduled payment, to Harbour Lettings

    reply = await agent.handle_message(
        "c-payee", "cus_1001", "cancel the payment to Ayesha Khan please"
    )

    assert "nothing to cancel" in reply.text
    assert "Harbour" not in reply.text
    assert "Ayesha" not in reply.text  # maybe another customer's payee: never said back
    assert reply.status != "awaiting_customer" or "yes or no" not in reply.text.lower()
    assert bank.calls["cancel_payment"] == 0
    assert bank.state.payments["pay_1001_01"].status == "scheduled"


async def test_a_shop_not_on_the_account_is_named_back_instead_of_the_same_list(
    agent: ResolutionAgent,
) -> None:
    first = await agent.handle_message("c-shop", "cus_1012", "I do not recognise a payment")

    reply = await agent.handle_message("c-shop", "cus_1012", "it was the one at Amazon")

    assert "Amazon" in reply.text
    assert reply.text != first.text
    assert reply.status == "awaiting_customer"
    assert bank_of(agent).calls["raise_dispute"] == 0


def test_a_named_party_is_a_capitalised_name_after_to_or_at() -> None:
    assert named_party("cancel the payment to Ayesha Khan please") == "Ayesha Khan"
    assert named_party("I do not recognise a payment\nit was the one at Amazon") == "Amazon"
    assert named_party("a payment from Monday I never made") is None
    assert named_party("cancel the payment to my landlord") is None
