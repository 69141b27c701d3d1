"""Snapshots of what the model is told: the rendered system prompt and the tool lists."""

from __future__ import annotations

import pytest

from resolution_agent.agent.planning.base import PlanningContext
from resolution_agent.agent.planning.llm import (
    offered_specs,
    policy_summary,
    prompt_context,
    tool_definitions,
)
from resolution_agent.agent.planning.llm._choose import choice_request
from resolution_agent.agent.planning.llm._prompt import system_prompt
from resolution_agent.agent.policies import Policies
from resolution_agent.agent.state import ActionRecord, ConversationState, PendingAction, ToolCall
from resolution_agent.tools.declarations import TOOLS
from resolution_agent.tools.models import ToolFailure, ToolResult
from tests.llm.snapshot import assert_snapshot
from tests.llm.states import customer_state, passage


def _state_mid_problem() -> ConversationState:
    state = customer_state(
        "I've lost my card and I want it cancelled", passages=[passage("lost-or-stolen-card")]
    )
    cards = ToolResult(
        tool="list_cards",
        ok=True,
        data={"cards": [{"id": "card_1001a", "last4": "4821", "status": "active"}]},
    )
    failed = ToolResult(
        tool="get_card_delivery",
        ok=False,
        failure=ToolFailure(kind="not_found", message="no delivery for this card"),
    )
    return state.model_copy(
        update={
            "actions": [
                ActionRecord(
                    call=ToolCall(tool="list_cards", args={"customer_id": "cus_1001"}),
                    turn=1,
                    result=cards,
                ),
                ActionRecord(
                    call=ToolCall(tool="get_card_delivery", args={"card_id": "card_1001a"}),
                    turn=1,
                    result=failed,
                ),
            ],
            "pending": PendingAction(
                call=ToolCall(tool="cancel_card", args={"card_id": "card_1001a", "reason": "lost"}),
                kind="confirmation",
                asked_turn=1,
            ),
        }
    )


def test_system_prompt_structure(ctx: PlanningContext) -> None:
    state = _state_mid_problem()
    assert_snapshot("system_prompt_lost_card.txt", system_prompt(state, ctx, 1500))


def test_system_prompt_without_passages_or_results(ctx: PlanningContext) -> None:
    state = customer_state(
        "what exchange rate do you use?", intent="exchange_rate", confidence=0.82
    )
    assert_snapshot("system_prompt_empty.txt", system_prompt(state, ctx, 1500))


def test_prompt_context_is_typed_and_truncates_long_results(ctx: PlanningContext) -> None:
    state = _state_mid_problem()
    context = prompt_context(state, ctx, result_chars=120)

    assert context.customer.pending is not None
    assert context.customer.pending.tool == "cancel_card"
    assert [r.ok for r in context.results] == [True, False]
    assert context.results[1].failure == "not_found: no delivery for this card"
    assert len(context.results[0].data) <= 120


def test_policy_summary_follows_the_policy_files(policies: Policies) -> None:
    summary = policy_summary(policies)

    assert summary.confirm_tools == sorted(n for n, p in policies.tools.items() if p.confirm)
    assert summary.step_up_tools == ["unblock_pin"]
    assert summary.amount_limits == {"raise_dispute": 250000}
    assert "scam_report" in summary.escalate_intents


def test_tool_list_for_every_tool() -> None:
    """Provider-neutral; each adapter's wire format is checked by its wire test."""
    assert_snapshot("tools.json", [d.model_dump() for d in tool_definitions(list(TOOLS))])


@pytest.mark.parametrize(
    ("intent", "expected"),
    [
        ("exchange_rate", ["cancel_card", "raise_dispute", "unblock_pin"]),
        ("pin_blocked", ["cancel_card", "raise_dispute"]),
    ],
)
def test_tools_limited_to_other_intents_are_not_offered(
    policies: Policies, intent: str, expected: list[str]
) -> None:
    offered = {s.name for s in offered_specs(policies, intent)}

    assert offered.isdisjoint(expected)
    assert "list_cards" in offered


def test_offered_tool_names_per_intent_snapshot(policies: Policies) -> None:
    intents = ["lost_or_stolen_card", "pin_blocked", "cancel_transfer", "exchange_rate"]
    assert_snapshot(
        "offered_tools_by_intent.json",
        {i: [d.name for d in tool_definitions(offered_specs(policies, i))] for i in intents},
    )


def test_intent_choice_request(ctx: PlanningContext) -> None:
    """What the model is asked before a clarifying question: the options, the forced call."""
    candidates = ("card_arrival", "lost_or_stolen_card", "card_swallowed")
    request = choice_request("I can't find my card anywhere", candidates, ctx)

    assert_snapshot("choose_intent_prompt.txt", request.system)
    assert_snapshot("choose_intent_tool.json", [t.model_dump() for t in request.tools])
    assert request.tool_choice == request.tools[0].name
