"""plan: ask the planner for the next step, bounded so a confused planner hands off."""

from __future__ import annotations

from typing import Any

from agent.nodes.deps import Deps
from agent.state import ConversationState, Escalation, ProposeEscalate, ProposeReply


async def plan(state: ConversationState, deps: Deps) -> dict[str, Any]:
    steps = state.plan_steps + 1
    if steps > deps.settings.max_plan_steps:
        rule = deps.policies.fallback("planner_loop")
        queue = deps.policies.intent(state.active_intent).topic_queue
        return {
            "plan_steps": steps,
            "proposal": ProposeEscalate(
                escalation=Escalation(
                    rule_id=rule.id,
                    reason=rule.reason,
                    queue=queue,
                    priority=rule.priority,
                    detail=f"no reply after {steps - 1} steps",
                )
            ),
        }
    proposal = await deps.planner.plan(state, deps.planning())
    update: dict[str, Any] = {"plan_steps": steps, "proposal": proposal}
    if isinstance(proposal, ProposeReply) and proposal.slot == "clarify":
        update["clarifications"] = state.clarifications + 1
    return update
