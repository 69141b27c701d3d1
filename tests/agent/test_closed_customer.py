"""A customer whose accounts are closed is handed to a person for anything done at the bank.

The agent reads the customer's record when a conversation begins (to refuse an unknown id);
a closed one is kept in the conversation, and a procedure (a freeze, a cancellation) is a
COp's call then (``ESC-CLOSED-CUSTOMER``). Help-centre answers are still given.
"""

from __future__ import annotations

from resolution_agent.agent import ResolutionAgent
from tests.agent.conftest import bank_of

CLOSED = "cus_1005"  # the seed's closed customer


async def test_a_closed_customer_reporting_a_lost_card_is_handed_off_untouched(
    agent: ResolutionAgent,
) -> None:
    reply = await agent.handle_message("c-closed", CLOSED, "I've lost my card")

    bank = bank_of(agent)
    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert reply.handoff.queue == "general"
    assert bank.calls["freeze_card"] == 0 and bank.calls["cancel_card"] == 0
    conversation = await agent.get_conversation("c-closed")
    assert any(r.rule_id == "ESC-CLOSED-CUSTOMER" for r in conversation.state.fired_rules)


async def test_an_active_customer_with_the_same_message_is_helped(agent: ResolutionAgent) -> None:
    reply = await agent.handle_message("c-open", "cus_1001", "I've lost my card")

    assert reply.status != "handed_off"
    assert bank_of(agent).calls["freeze_card"] == 1
