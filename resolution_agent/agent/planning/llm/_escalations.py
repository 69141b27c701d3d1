"""The planner's own escalations, with rule ids of their own.

Queue and priority come from an existing fallback rule of ``policies/escalation.yaml`` (so a
policy change moves them too); the rule id and reason say exactly what happened.

    ESC-LLM-BUDGET-CALLS   the turn used max_calls_per_turn model calls        (planner_loop)
    ESC-LLM-BUDGET-TOKENS  the conversation used its token budget              (planner_loop)
    ESC-LLM-UNAVAILABLE    every model failed; offline cannot take over        (tool_failure)
    ESC-LLM-BUDGET-TIME    the turn spent its model time (turn_model_budget_s);
                           offline cannot take over                            (tool_failure)
    ESC-LLM-UNUSABLE       refusal, garbage, or invalid calls twice; offline
                           cannot take over                                    (planner_loop)
    ESC-LLM-HANDOFF        the model called escalate_to_human        (the intent's own policy)

In brackets: the fallback rule whose queue and priority are used.
"""

from __future__ import annotations

from typing import Literal

from resolution_agent.agent.escalation import (
    escalation_from_rule,
    fallback_escalation,
    intent_escalation,
)
from resolution_agent.agent.planning.base import PlanningContext
from resolution_agent.agent.policies import FallbackName, Policies
from resolution_agent.agent.state import ConversationState, ProposeEscalate
from resolution_agent.agent.vocabulary import Priority, Queue

Cause = Literal["budget_calls", "budget_tokens", "budget_time", "unavailable", "unusable"]

_RULES: dict[Cause, tuple[str, str, FallbackName]] = {
    "budget_calls": ("ESC-LLM-BUDGET-CALLS", "model_call_budget_exceeded", "planner_loop"),
    "budget_tokens": ("ESC-LLM-BUDGET-TOKENS", "token_budget_exceeded", "planner_loop"),
    "budget_time": ("ESC-LLM-BUDGET-TIME", "model_time_budget_spent", "tool_failure"),
    "unavailable": ("ESC-LLM-UNAVAILABLE", "model_unavailable", "tool_failure"),
    "unusable": ("ESC-LLM-UNUSABLE", "model_answer_unusable", "planner_loop"),
}

HANDOFF_RULE = "ESC-LLM-HANDOFF"


def llm_rule_route(
    rule_id: str, policies: Policies, intent: str | None
) -> tuple[Queue, Priority] | None:
    """Where one of the planner's own rules sends a conversation (None: not one of them).

    For checks that a handoff went where its rule says, e.g. the faithfulness benchmark.
    """
    if rule_id == HANDOFF_RULE:
        escalation = intent_escalation(policies, intent)
        return escalation.queue, escalation.priority
    for rule, _, base in _RULES.values():
        if rule == rule_id:
            escalation = fallback_escalation(base, policies, intent)
            return escalation.queue, escalation.priority
    return None


def escalate(
    cause: Cause, state: ConversationState, ctx: PlanningContext, detail: str
) -> ProposeEscalate:
    rule_id, reason, base = _RULES[cause]
    return ProposeEscalate(
        escalation=escalation_from_rule(
            ctx.policies.fallback(base),
            ctx.policies,
            state.active_intent,
            rule_id=rule_id,
            reason=reason,
            detail=detail[:300],
        )
    )


def model_handoff(
    state: ConversationState, ctx: PlanningContext, reason: str, narrative: str | None = None
) -> ProposeEscalate:
    """The model asked for a person: the intent's own queue and priority.

    The model's narrative rides along unchecked: :func:`agent.handoff.build_handoff` holds it
    against the summary's facts, where they are complete, and drops it if it invents anything.
    """
    return ProposeEscalate(
        escalation=intent_escalation(
            ctx.policies,
            state.active_intent,
            rule_id=HANDOFF_RULE,
            reason="model_requested_a_person",
            detail=reason[:300],
            narrative=(narrative or "").strip() or None,
        )
    )
