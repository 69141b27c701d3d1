"""escalate: build the handoff summary from the state and tell the customer who takes over."""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.desk.cases import Case
from resolution_agent.agent.desk.proposals import (
    PROPOSAL_MADE,
    audit_detail,
    proposal_of_hand_off,
)
from resolution_agent.agent.escalation import fallback_escalation
from resolution_agent.agent.handoff import HandoffSummary, build_handoff, unconfirmed_writes
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import (
    ConversationState,
    Escalation,
    ProposeEscalate,
    ProposeReply,
    Reasoned,
    ToolCall,
)
from resolution_agent.tools.declarations import get_tool


async def open_case(deps: Deps, handoff: HandoffSummary) -> None:
    """From here on the queue owns the conversation."""
    now = deps.clock()
    await deps.cases.save(
        Case(
            conversation_id=handoff.conversation_id,
            customer_id=handoff.customer_id,
            queue=handoff.queue,
            priority=handoff.priority,
            sla_deadline=handoff.sla_deadline,
            status="queued",
            opened_at=now,
            updated_at=now,
            summary=handoff,
        )
    )


def _unconfirmed(call: ToolCall, deps: Deps) -> str:
    """What the customer is told may or may not have been done ("freezing your card")."""
    template = get_tool(call.tool).template
    if deps.templates.has_part(template, "unconfirmed"):
        return deps.templates.render_part(template, "unconfirmed", args=call.args)
    return "the change I asked our systems to make"


async def hand_off(state: ConversationState, escalation: Escalation, deps: Deps) -> dict[str, Any]:
    """Hand the conversation to a COp: audit, summary, case, and the customer's reply.

    The one hand-off path: the graph's ``escalate`` node and the API's crash recovery both
    end here, so a recovered conversation reaches the queue exactly as any other.
    """
    fired: list[Reasoned] = []
    if all(r.rule_id != escalation.rule_id for r in state.fired_rules):
        fired = [Reasoned(rule_id=escalation.rule_id, reason=escalation.reason, turn=state.turn)]
    await deps.record(
        state.conversation_id,
        state.turn,
        "escalation",
        escalation.rule_id,
        queue=escalation.queue,
        priority=escalation.priority,
        reason=escalation.reason,
    )
    # The audit holds the intent of every write sent, also one a crash kept out of the state.
    audit = await deps.audit.events(state.conversation_id)
    text = deps.templates.render(
        "replies/handoff.j2",
        queue=escalation.queue,
        unconfirmed=[_unconfirmed(call, deps) for call in unconfirmed_writes(state, audit)],
    )
    # What was done this turn before the hand-off ("I've frozen your card ...") is said first,
    # as in any other reply: the customer must know the card is already safe.
    done = [
        deps.templates.render_part(template, "done", args=a.call.args, data=a.result.data or {})
        for a in state.turn_actions()
        if a.ok and deps.templates.has_part(template := get_tool(a.call.tool).template, "done")
    ]
    text = " ".join([*done, text]).strip()
    interim = state.model_copy(update={"fired_rules": [*state.fired_rules, *fired]})
    handoff = build_handoff(
        interim, escalation, deps.policies, deps.templates, now=deps.clock(), audit=audit
    )
    await open_case(deps, handoff)
    proposal = proposal_of_hand_off(state, deps.policies, deps.clock())
    if proposal is not None and deps.proposals is not None:
        # The call a person must decide goes with the case, so a COp approves it as it was.
        await deps.proposals.add(proposal)
        await deps.record(
            state.conversation_id,
            state.turn,
            "escalation",
            PROPOSAL_MADE,
            intent=state.active_intent,
            **audit_detail(proposal),
        )
    return {
        "this_turn": state.this_turn.change(
            escalation=escalation, reply=ProposeReply(text=text, status="handed_off")
        ),
        "fired_rules": fired,
        "handoff": handoff,
        # A person takes the conversation over, with the requests still open in the summary.
        "queued": [],
    }


async def escalate(state: ConversationState, deps: Deps) -> dict[str, Any]:
    escalation = state.this_turn.escalation
    if isinstance(state.this_turn.proposal, ProposeEscalate):
        escalation = state.this_turn.proposal.escalation
    if escalation is None:
        escalation = fallback_escalation(
            "internal_error",
            deps.policies,
            state.active_intent,
            detail="escalation without a reason",
        )
    return await hand_off(state, escalation, deps)
