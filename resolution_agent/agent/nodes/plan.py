"""plan: ask the planner for the next step, bounded so a confused planner hands off."""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.escalation import fallback_escalation
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import ConversationState, ProposeEscalate, ProposeReply


async def plan(state: ConversationState, deps: Deps) -> dict[str, Any]:
    steps = state.this_turn.plan_steps + 1
    if steps > deps.settings.max_plan_steps:
        escalation = fallback_escalation(
            "planner_loop",
            deps.policies,
            state.active_intent,
            detail=f"no reply after {steps - 1} steps",
        )
        return {
            "this_turn": state.this_turn.change(
                plan_steps=steps, proposal=ProposeEscalate(escalation=escalation)
            )
        }
    proposal = await deps.planner.plan(state, deps.planning())
    update: dict[str, Any] = {
        "this_turn": state.this_turn.change(plan_steps=steps, proposal=proposal)
    }
    if isinstance(proposal, ProposeReply) and proposal.slot == "clarify":
        update["clarifications"] = state.clarifications + 1
    return update
