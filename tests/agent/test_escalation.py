"""Scams, vulnerability, complaints and requests for a person go to the right queue."""

from __future__ import annotations

from resolution_agent.agent import ResolutionAgent
from tests.agent.conftest import bank_of, card_status

CUSTOMER = "cus_1001"
SCAM = (
    "someone called saying they were from the bank and told me to move my money to a safe account"
)


async def test_a_safe_account_scam_goes_to_fincrime_as_urgent(agent: ResolutionAgent) -> None:
    bank = bank_of(agent)

    reply = await agent.handle_message("conv-scam", CUSTOMER, SCAM)

    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert reply.handoff.queue == "fincrime"
    assert reply.handoff.priority == "urgent"
    assert "ESC-FINCRIME-SCAM" in [r.rule_id for r in reply.handoff.reasons]
    assert "ESC-FINCRIME-SCAM" in reply.handoff.markdown
    assert reply.handoff.conversation_id == "conv-scam"
    assert reply.handoff.customer_id == CUSTOMER
    assert reply.actions == []
    assert sum(bank.calls.values()) == bank.calls["get_customer"]  # nothing else touched
    cases = await agent.list_cases(queue="fincrime")
    assert [c.conversation_id for c in cases] == ["conv-scam"]


async def test_a_bereavement_goes_to_vulnerable_customers_with_high_priority(
    agent: ResolutionAgent,
) -> None:
    reply = await agent.handle_message("conv-loss", CUSTOMER, "my husband passed away last week")

    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert reply.handoff.queue == "vulnerable_customers"
    assert reply.handoff.priority == "high"
    assert "ESC-VULN-BEREAVEMENT" in reply.handoff.markdown


async def test_a_formal_complaint_goes_to_complaints(agent: ResolutionAgent) -> None:
    reply = await agent.handle_message(
        "conv-complaint", CUSTOMER, "I want to make a formal complaint"
    )

    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert reply.handoff.queue == "complaints"
    assert [r.rule_id for r in reply.handoff.reasons] == ["ESC-COMPLAINT"]


async def test_asking_for_a_real_person_hands_off(agent: ResolutionAgent) -> None:
    reply = await agent.handle_message("conv-human", CUSTOMER, "can I speak to a real person")

    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert "ESC-HUMAN-REQUEST" in [r.rule_id for r in reply.handoff.reasons]


async def test_a_chaps_payment_to_send_goes_to_the_payments_team(agent: ResolutionAgent) -> None:
    bank = bank_of(agent)

    reply = await agent.handle_message(
        "conv-chaps", CUSTOMER, "please send 45,000 to my solicitor by CHAPS today"
    )

    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert reply.handoff.queue == "payments"
    assert reply.handoff.priority == "high"
    assert "ESC-STAFF-ONLY-PAYMENT" in [r.rule_id for r in reply.handoff.reasons]
    assert reply.actions == []
    assert sum(bank.calls.values()) == bank.calls["get_customer"]  # nothing sent by the agent


async def test_a_request_for_a_person_mid_problem_keeps_the_problems_queue(
    agent: ResolutionAgent,
) -> None:
    await agent.handle_message("conv-human-card", CUSTOMER, "I've lost my card")

    reply = await agent.handle_message("conv-human-card", CUSTOMER, "can I speak to a real person")

    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert reply.handoff.queue == "cards"


async def test_after_a_handoff_messages_are_recorded_and_the_agent_stays_silent(
    agent: ResolutionAgent,
) -> None:
    bank = bank_of(agent)
    await agent.handle_message("conv-after", CUSTOMER, SCAM)
    before = await agent.get_conversation("conv-after")

    reply = await agent.handle_message("conv-after", CUSTOMER, "I've lost my card, cancel it")

    assert reply.status == "handed_off"
    assert reply.actions == []
    after = await agent.get_conversation("conv-after")
    assert after.status == "handed_off"
    assert after.transcript[: len(before.transcript)] == before.transcript
    added = after.transcript[len(before.transcript) :]
    assert [(m.role, m.text) for m in added] == [("customer", "I've lost my card, cancel it")]
    assert bank.calls["list_cards"] == 0
    assert bank.calls["freeze_card"] == 0
    assert card_status(bank, "card_1001a") == "active"
