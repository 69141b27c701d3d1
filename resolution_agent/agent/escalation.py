"""One way to build an :class:`Escalation`: from a policy rule.

Every hand-off names the rule that caused it, and the queue and priority come from that rule
in ``policies/escalation.yaml`` (queue ``topic`` meaning the topic queue of the conversation's
intent), so a policy change moves every hand-off it governs. ``decide``, the planners, the
``plan`` node's loop guard and the API's crash recovery all build their escalations here; a
caller may give a more specific rule id and reason (the LLM planner's own rules), but never a
queue of its own.
"""

from __future__ import annotations

from resolution_agent.agent.policies import FallbackName, FallbackRule, Policies, SignalRule
from resolution_agent.agent.state import Escalation
from resolution_agent.agent.vocabulary import Priority


def escalation_from_rule(
    rule: SignalRule | FallbackRule,
    policies: Policies,
    intent: str | None,
    *,
    detail: str = "",
    rule_id: str | None = None,
    reason: str | None = None,
    priority: Priority | None = None,
    narrative: str | None = None,
) -> Escalation:
    """The escalation ``rule`` asks for, in the conversation about ``intent``.

    ``rule_id`` and ``reason`` name a more specific cause under the same rule's routing;
    ``priority`` is given only where the policy says the intent's own priority applies.
    """
    queue = policies.intent(intent).topic_queue if rule.queue == "topic" else rule.queue
    return Escalation(
        rule_id=rule_id or rule.id,
        reason=reason or rule.reason,
        queue=queue,
        priority=priority or rule.priority,
        detail=detail,
        narrative=narrative,
    )


def fallback_escalation(
    name: FallbackName, policies: Policies, intent: str | None, *, detail: str = ""
) -> Escalation:
    """The escalation of the fallback rule ``name`` (``policies/escalation.yaml``)."""
    return escalation_from_rule(policies.fallback(name), policies, intent, detail=detail)


def intent_escalation(
    policies: Policies,
    intent: str | None,
    *,
    rule_id: str | None = None,
    reason: str | None = None,
    detail: str = "",
    narrative: str | None = None,
) -> Escalation:
    """An intent that a person must handle: its topic queue at the intent's own priority.

    The rule id defaults to ``ESC-INTENT-<INTENT>`` so the audit trail says which intent.
    """
    rule = policies.fallback("intent")
    return escalation_from_rule(
        rule,
        policies,
        intent,
        rule_id=rule_id or f"{rule.id}-{(intent or '').upper()}",
        reason=reason,
        priority=policies.intent(intent).priority,
        detail=detail,
        narrative=narrative,
    )
