"""A model cannot make the bank send one-time codes a conversation does not need (issue 17).

``start_verification`` texts the customer a code. Before rule STEP-UP-UNASKED a hostile model
could call it in any conversation (for its own customer), and the bank sent codes nobody asked
for; now it runs only for the step-up a tool that needs one is waiting on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from resolution_agent.agent.planning.llm import LLMPlanner, LLMPlannerConfig
from resolution_agent.agent.testing import ScriptedModel, call, tool_response

LLM_ONLY = LLMPlannerConfig(fast_path=False)
Scripted = Callable[..., ScriptedModel]


async def test_a_model_sending_a_code_in_a_lost_card_conversation_is_blocked(
    scripted: Scripted, open_agent: Any
) -> None:
    model = scripted([tool_response(call("start_verification", customer_id="cus_1001"))])
    async with open_agent(LLMPlanner(model, config=LLM_ONLY)) as agent:
        reply = await agent.handle_message("c-1", "cus_1001", "I've lost my card on the bus")
        events = await agent.audit_events("c-1")
        bank = agent.mock_bank
        assert bank is not None

        assert bank.calls["start_verification"] == 0

    assert reply.actions == []
    assert reply.status == "handed_off"
    guard = [(e.rule_id, e.detail.get("tool")) for e in events if e.kind == "guard"]
    assert guard == [("STEP-UP-UNASKED", "start_verification")]


async def test_a_pin_unblock_still_gets_its_code_sent_by_the_step_up_flow(
    scripted: Scripted, open_agent: Any
) -> None:
    model = scripted(
        [
            tool_response(call("list_cards", customer_id="cus_1001")),
            tool_response(call("unblock_pin", card_id="card_1001a")),
        ]
    )
    async with open_agent(LLMPlanner(model, config=LLM_ONLY)) as agent:
        reply = await agent.handle_message(
            "c-1", "cus_1001", "My PIN is blocked after three wrong tries, please unblock it"
        )
        events = await agent.audit_events("c-1")
        bank = agent.mock_bank
        assert bank is not None

        assert bank.calls["start_verification"] == 1
        assert bank.calls["unblock_pin"] == 0

    assert reply.status == "awaiting_customer"
    guard = [(e.rule_id, e.detail.get("tool")) for e in events if e.kind == "guard"]
    assert ("ID-STEP-UP", "unblock_pin") in guard
    assert ("ALLOW", "start_verification") in guard
