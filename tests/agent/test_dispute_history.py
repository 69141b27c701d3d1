"""A payment's dispute history decides the next step: one open is enough, a declined one is
a person's to reopen. The bank lists each transaction's disputes; the planner reads them
before it offers a dispute."""

from __future__ import annotations

from resolution_agent.agent import ResolutionAgent
from tests.agent.conftest import bank_of


async def test_a_double_charge_already_under_review_gets_no_second_dispute(
    agent: ResolutionAgent,
) -> None:
    bank = bank_of(agent)  # cus_1014's Nando's pair: dsp_0003 is under review on one of them

    reply = await agent.handle_message("c-twice", "cus_1014", "nandos charged me twice on the 7th")
    after = await agent.handle_message("c-twice", "cus_1014", "yes")

    assert reply.status == "resolved"
    assert "already" in reply.text and "dsp_0003" in reply.text
    assert bank.calls["raise_dispute"] == 0
    assert len(bank.state.disputes) == 5
    assert after.actions == [] or all(a.tool != "raise_dispute" for a in after.actions)


async def test_a_payment_whose_dispute_was_declined_is_handed_to_the_disputes_team(
    agent: ResolutionAgent,
) -> None:
    bank = bank_of(agent)  # cus_1016's eBay payment: dsp_0004 was declined

    reply = await agent.handle_message(
        "c-declined", "cus_1016", "what is PAYPAL EBAY on my statement, I never bought anything"
    )

    conversation = await agent.get_conversation("c-declined")
    assert reply.status == "handed_off"
    assert conversation.handoff is not None
    assert conversation.handoff.queue == "disputes"
    assert bank.calls["raise_dispute"] == 0
    assert bank.state.disputes["dsp_0004"].status == "resolved_declined"


async def test_transactions_carry_their_disputes_oldest_first(agent: ResolutionAgent) -> None:
    bank = bank_of(agent)

    listed = bank.list_transactions(
        "cus_1014",
        "acc_1014a",
        merchant="Nando",
        status=None,
        since=None,
        until=None,
        min_amount=None,
        max_amount=None,
    )

    disputed = {t.id: [(d.id, d.status) for d in t.disputes] for t in listed.transactions}
    assert disputed == {
        "txn_1014_002": [],
        "txn_1014_003": [("dsp_0003", "under_review")],
        "txn_1014_010": [],
    }


async def test_an_amount_written_without_a_pound_sign_picks_the_payment(
    agent: ResolutionAgent,
) -> None:
    # cus_1007 has three PlayStation Store payments; only one is £40.98
    reply = await agent.handle_message(
        "c-bare", "cus_1007", "what is the playstation store charge of 40.98, i never bought that"
    )

    assert "£40.98" in reply.text
    assert "£12.38" not in reply.text
