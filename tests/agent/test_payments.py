"""Card payments, disputes, direct debits and scheduled payments for cus_1001."""

from __future__ import annotations

from resolution_agent.agent import ResolutionAgent
from tests.agent.conftest import bank_of

CUSTOMER = "cus_1001"


async def test_a_declined_payment_is_explained_with_its_reason(agent: ResolutionAgent) -> None:
    bank = bank_of(agent)

    reply = await agent.handle_message("conv-asos", CUSTOMER, "why was my ASOS payment declined?")

    assert reply.status == "resolved"
    assert reply.intent == "declined_card_payment"
    assert "ASOS" in reply.text
    assert "£89.99" in reply.text
    assert "declined" in reply.text
    assert "enough money" in reply.text
    assert [a.tool for a in reply.actions] == ["list_accounts", "list_transactions"]
    assert reply.citations and reply.citations[0].article_id == "card-payment-declined"
    assert bank.calls["raise_dispute"] == 0


async def test_a_double_charge_is_disputed_as_a_duplicate_only_after_yes(
    agent: ResolutionAgent,
) -> None:
    bank = bank_of(agent)
    disputes_before = set(bank.state.disputes)

    asked = await agent.handle_message(
        "conv-twice", CUSTOMER, "I've been charged twice for Netflix"
    )

    assert asked.status == "awaiting_customer"
    assert "Netflix" in asked.text
    assert "£10.99" in asked.text
    assert set(bank.state.disputes) == disputes_before
    assert bank.calls["raise_dispute"] == 0

    done = await agent.handle_message("conv-twice", CUSTOMER, "yes")

    assert done.status == "resolved"
    new = [d for k, d in bank.state.disputes.items() if k not in disputes_before]
    assert len(new) == 1
    assert new[0].transaction_id in ("txn_1001_005", "txn_1001_006")
    assert new[0].reason == "duplicate"
    assert new[0].status == "open"
    assert new[0].id in done.text
    assert [(a.tool, a.outcome) for a in done.actions] == [("raise_dispute", "succeeded")]


async def test_a_double_charge_with_no_raises_no_dispute(agent: ResolutionAgent) -> None:
    bank = bank_of(agent)
    disputes_before = dict(bank.state.disputes)
    await agent.handle_message("conv-twice-no", CUSTOMER, "I've been charged twice for Netflix")

    reply = await agent.handle_message("conv-twice-no", CUSTOMER, "no")

    assert reply.actions == []
    assert bank.state.disputes == disputes_before
    assert bank.calls["raise_dispute"] == 0


async def test_a_direct_debit_is_cancelled_only_after_yes(agent: ResolutionAgent) -> None:
    bank = bank_of(agent)

    asked = await agent.handle_message(
        "conv-dd", CUSTOMER, "I want to cancel the direct debit to FitLife Gyms"
    )

    assert asked.status == "awaiting_customer"
    assert "FITLIFE GYMS LTD" in asked.text
    debit = bank.state.direct_debits["dd_1001_03"]
    assert debit.status == "active"

    done = await agent.handle_message("conv-dd", CUSTOMER, "yes")

    assert done.status == "resolved"
    assert [(a.tool, a.args) for a in done.actions] == [
        ("cancel_direct_debit", {"direct_debit_id": "dd_1001_03"})
    ]
    assert bank.state.direct_debits["dd_1001_03"].status == "cancelled"
    others = [
        d
        for k, d in bank.state.direct_debits.items()
        if k != "dd_1001_03" and d.account_id == "acc_1001a"
    ]
    assert all(d.status == "active" for d in others)


async def test_a_scheduled_payment_is_cancelled_only_after_yes(agent: ResolutionAgent) -> None:
    bank = bank_of(agent)

    asked = await agent.handle_message(
        "conv-rent", CUSTOMER, "please cancel my scheduled payment to Harbour Lettings"
    )

    assert asked.status == "awaiting_customer"
    assert "Harbour Lettings" in asked.text
    assert "£950.00" in asked.text
    payment = bank.state.payments["pay_1001_01"]
    assert payment.status == "scheduled"

    done = await agent.handle_message("conv-rent", CUSTOMER, "yes")

    assert done.status == "resolved"
    assert [(a.tool, a.args) for a in done.actions] == [
        ("cancel_payment", {"payment_id": "pay_1001_01"})
    ]
    assert bank.state.payments["pay_1001_01"].status == "cancelled"
    assert bank.calls["cancel_payment"] == 1
