"""action_guard: only what the policies allow runs; questions and step-up become pending."""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.guards.action import check_action
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import ConversationState, PendingAction, ProposeTool, Reasoned


async def action_guard(state: ConversationState, deps: Deps) -> dict[str, Any]:
    proposal = state.this_turn.proposal
    assert isinstance(proposal, ProposeTool)
    decision = check_action(state, proposal.call, deps.policies, shadow=deps.settings.shadow_mode)
    await deps.record(
        state.conversation_id,
        state.turn,
        "guard",
        decision.rule_id,
        verdict=decision.verdict,
        tool=proposal.call.tool,
        args=dict(proposal.call.args),
        reason=decision.reason,
    )
    update: dict[str, Any] = {
        "this_turn": state.this_turn.change(guard=decision),
        "guard_log": [decision],
    }
    if decision.verdict in ("confirm", "step_up"):
        kind = "confirmation" if decision.verdict == "confirm" else "step_up"
        update["pending"] = PendingAction(call=proposal.call, kind=kind, asked_turn=state.turn)
    if decision.verdict != "allow":
        update["fired_rules"] = [
            Reasoned(rule_id=decision.rule_id, reason=decision.reason, turn=state.turn),
        ]
    return update
