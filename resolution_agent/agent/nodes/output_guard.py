"""output_guard: a reply that breaks an output rule is replaced whole by a safe one.

Every reply gets a recorded decision (``OUT-OK`` included). It is also where a confirmation
question is armed: a pending confirmation created this turn survives only when the reply the
customer sees is the agent's question about it. Otherwise (the planner said something else,
or its reply was replaced) the customer was never asked, so a later "yes" must not count.
"""

from __future__ import annotations

from typing import Any

import structlog

from resolution_agent.agent.guards.confirmation import confirmation_question
from resolution_agent.agent.guards.output import (
    LearnedVerdict,
    OutputContext,
    check_output,
    output_reference,
)
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.planning.llm._prompt import system_prompt
from resolution_agent.agent.state import ConversationState, ProposeReply, Reasoned, TurnScope

log = structlog.get_logger("agent.output_guard")


async def output_guard(state: ConversationState, deps: Deps) -> dict[str, Any]:
    proposal = state.this_turn.proposal
    assert isinstance(proposal, ProposeReply)
    question = (
        confirmation_question(state, deps.templates, deps.clock())
        if proposal.slot == "confirmation"
        else None
    )
    learned = (
        await deps.reply_detector.judge(proposal.text) if deps.reply_detector is not None else None
    )
    verdict = check_output(
        state, proposal, deps.policies, question=question, context=_context(state, deps, learned)
    )
    update: dict[str, Any] = {}
    if verdict.ok:
        reply = proposal.model_copy(update={"citations": verdict.citations})
        await deps.record(
            state.conversation_id,
            state.turn,
            "output",
            verdict.rule_id,
            action="citations_filtered" if verdict.rule_id != "OUT-OK" else "sent",
            reason=verdict.reason,
        )
        if verdict.rule_id != "OUT-OK":
            update["fired_rules"] = [
                Reasoned(rule_id=verdict.rule_id, reason=verdict.reason, turn=state.turn),
            ]
    else:
        log.warning("reply_replaced", rule_id=verdict.rule_id)
        await deps.record(
            state.conversation_id,
            state.turn,
            "output",
            verdict.rule_id,
            action="replaced",
            reason=verdict.reason,
        )
        reply = ProposeReply(
            text=deps.templates.render("replies/safe_reply.j2"), status="awaiting_customer"
        )
        update["fired_rules"] = [
            Reasoned(rule_id=verdict.rule_id, reason=verdict.reason, turn=state.turn),
        ]
    update["this_turn"] = state.this_turn.change(reply=reply)
    pending = state.pending
    if (
        pending is not None
        and pending.kind == "confirmation"
        and pending.asked_turn == state.turn
        and reply.slot != "confirmation"
    ):
        await deps.record(
            state.conversation_id,
            state.turn,
            "guard",
            "CONFIRM-NOT-ASKED",
            verdict="block",
            tool=pending.call.tool,
            args=dict(pending.call.args),
            reason="the customer was not asked about this call, so no later yes can confirm it",
        )
        update["pending"] = None
    return update


async def check_composed(state: ConversationState, reply: ProposeReply, deps: Deps) -> ProposeReply:
    """A reply composed after this node ran (what was done for a request, said before the
    message's next one: :mod:`agent.nodes.next_request`) passes the same rules, recorded like
    any other; one that breaks a rule is the safe reply instead."""
    learned = (
        await deps.reply_detector.judge(reply.text) if deps.reply_detector is not None else None
    )
    verdict = check_output(
        state, reply, deps.policies, question=None, context=_context(state, deps, learned)
    )
    await deps.record(
        state.conversation_id,
        state.turn,
        "output",
        verdict.rule_id,
        action="sent" if verdict.ok else "replaced",
        reason=verdict.reason,
    )
    if verdict.ok:
        return reply.model_copy(update={"citations": verdict.citations})
    log.warning("reply_replaced", rule_id=verdict.rule_id)
    return ProposeReply(text=deps.templates.render("replies/safe_reply.j2"), status=reply.status)


def _context(state: ConversationState, deps: Deps, learned: LearnedVerdict | None) -> OutputContext:
    """What the output rules measure this reply against: our texts, the bank's customers,
    the system prompt a model would have been given this turn, its help passages and tool
    results left out (a reply may quote those), and the learned signal's verdict (scored in a
    worker thread above, since the check itself is synchronous)."""
    reference = deps.output_reference or output_reference(
        deps.settings.fixtures_dir / "help", deps.templates, deps.policies
    )
    bare = state.model_copy(update={"actions": [], "this_turn": TurnScope()})
    return OutputContext(
        reference=reference,
        customers=deps.directory.customer_identifiers() if deps.directory is not None else (),
        prompts=[system_prompt(bare, deps.planning(), 0)],
        learned=learned,
    )
