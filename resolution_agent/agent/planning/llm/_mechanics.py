"""When the deterministic engine decides instead of the model, and what it can take over.

Policy mechanics are the same whatever the problem and must not depend on a model's mood: a
bank failure this turn, a guard verdict on the last proposal (ask for a yes, start step-up,
blocked), a step-up in progress, a confirmed pending action. In those states the offline
planner's generic flows run (they come first in :meth:`OfflinePlanner.step`); the model is
asked again once the mechanics are done, with the results in its prompt.
"""

from __future__ import annotations

from resolution_agent.agent.planning.base import PlanningContext
from resolution_agent.agent.planning.procedures import PROCEDURES
from resolution_agent.agent.state import ConversationState


def mechanics_due(state: ConversationState) -> bool:
    """True when the offline planner's generic flows decide the next step."""
    turn_actions = state.turn_actions()
    last = turn_actions[-1] if turn_actions else None
    if last is not None and not last.ok and last.result.failure is not None:
        return True
    guard = state.this_turn.guard
    if guard is not None and guard.turn == state.turn and guard.call is not None:
        return True
    pending = state.pending
    if pending is None:
        return False
    if pending.kind == "step_up":
        return True
    confirmed = state.confirmed_call()
    return confirmed is not None and not any(a.call == confirmed for a in turn_actions)


def fast_path(state: ConversationState, ctx: PlanningContext, min_confidence: float) -> bool:
    """A confident intent with a procedure: the offline planner runs it, no model needed."""
    policy = ctx.policies.intent(state.active_intent)
    return (
        policy.handling == "procedure"
        and policy.procedure in PROCEDURES
        and state.intent_confidence >= min_confidence
    )


def offline_knows(state: ConversationState, ctx: PlanningContext) -> bool:
    """Whether the offline planner can carry this problem when the model cannot."""
    policy = ctx.policies.intent(state.active_intent)
    if policy.handling == "procedure":
        return policy.procedure in PROCEDURES
    if policy.handling == "smalltalk":
        return True
    if policy.handling == "answer":
        return any(p.score >= ctx.grounding_threshold for p in state.this_turn.retrieved)
    return False
