"""Conversations of the eleventh held-out batch that went wrong, now handled as a person would.

Each is a whole conversation on the default agent (its trained model, the mock bank), asserted
on what the bank did and what the customer was told: spending disowned on a lost joint card
while naming the partner's own card goes to the fraud team; money sent to the wrong one of two
payees of the same name is recalled by a colleague; a direct debit named "the sky one" after a
self-correction is the one cancelled; a card named by the account it is on is the one frozen;
a general question about the Direct Debit Guarantee is answered from the help centre, its own
words included, with nothing looked up or cancelled. (Questions answered from a section the
hybrid retriever picks are ``tests/retrieval``'s: these agents retrieve by BM25 alone.)
"""

from __future__ import annotations

from resolution_agent.agent.api import ResolutionAgent
from tests.agent.conftest import bank_of


async def test_spending_on_a_lost_joint_card_goes_to_fraud_though_the_partner_has_a_card(
    memory_agent: ResolutionAgent,
) -> None:
    frozen = await memory_agent.handle_message(
        "c-joint",
        "cus_1007",
        "howay, I've lost the card for the joint account, the one ending 9087. think I left it "
        "on the Metro comin back from the Quayside last night. can ye freeze it?",
    )
    assert "frozen your card ending 9087" in frozen.text

    told = await memory_agent.handle_message(
        "c-joint",
        "cus_1007",
        "just looked an there's £74 at a JD in Eldon Square an £9.80 at the Greggs this mornin. "
        "neither of them's us, Sam's got his own card an he's been at work since 7",
    )

    assert told.status == "handed_off"
    assert told.handoff is not None
    assert (told.handoff.queue, told.handoff.priority) == ("fincrime", "urgent")
    assert bank_of(memory_agent).state.cards["card_1007b"].status == "frozen"


async def test_money_sent_to_the_wrong_one_of_two_payees_is_recalled_by_a_colleague(
    memory_agent: ResolutionAgent,
) -> None:
    reply = await memory_agent.handle_message(
        "c-ciara",
        "cus_1004",
        "ah no. the 65 quid i sent on the 21st for mam's present went to the wrong ciara. i've "
        "two ciara o'connors in me payees, me sister and a girl i was in college with, and i "
        "picked the wrong one. can ye get it back for me?",
    )

    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert (reply.handoff.queue, reply.handoff.priority) == ("payments", "high")
    state = (await memory_agent.get_conversation("c-ciara")).state
    assert not any(a.call.tool == "cancel_payment" for a in state.actions)


async def test_the_direct_debit_said_as_the_one_after_a_correction_is_cancelled(
    memory_agent: ResolutionAgent,
) -> None:
    await memory_agent.handle_message("c-sky", "cus_1004", "need to cancel one of me direct debits")
    asked = await memory_agent.handle_message(
        "c-sky",
        "cus_1004",
        "the 76 quid one. no wait, sorry - the sky one. british gas is the heating, can't get "
        "rid of that",
    )
    assert "Sky (£42.00)" in asked.text
    assert "British Gas" not in asked.text

    await memory_agent.handle_message("c-sky", "cus_1004", "yeah that's it")

    debits = bank_of(memory_agent).state.direct_debits
    assert debits["dd_1004_02"].status == "cancelled"
    assert debits["dd_1004_01"].status == "active"


async def test_a_card_named_by_its_account_is_the_one_frozen(
    memory_agent: ResolutionAgent,
) -> None:
    asked = await memory_agent.handle_message(
        "c-house",
        "cus_1006",
        "Please freeze my card, I think I left it in the taxi back from Bradford Interchange.",
    )
    assert asked.status == "awaiting_customer"
    assert "3014" in asked.text and "3457" in asked.text

    await memory_agent.handle_message(
        "c-house",
        "cus_1006",
        "The one for the house account that I share with my wife, not my own one.",
    )

    cards = bank_of(memory_agent).state.cards
    assert cards["card_1006a"].status == "frozen"  # on the joint household account
    assert cards["card_1006b"].status == "active"


async def test_how_the_direct_debit_guarantee_works_is_answered_in_its_own_words(
    memory_agent: ResolutionAgent,
) -> None:
    reply = await memory_agent.handle_message(
        "c-ddg",
        "cus_1001",
        "if a company ever takes the wrong amount by direct debit, how do I claim it back "
        "under the guarantee?",
    )

    assert reply.status == "resolved"
    # the article's promise is quoted, not replaced by the output guard's safe reply
    assert "Direct Debit Guarantee" in reply.text
    assert "can't share that" not in reply.text
    state = (await memory_agent.get_conversation("c-ddg")).state
    assert state.actions == []  # nothing of theirs looked up, nothing cancelled
