"""output_guard: a reply that breaks an output rule is replaced whole by a safe one."""

from __future__ import annotations

from typing import Any

import structlog

from agent.guards.output import check_output
from agent.nodes.deps import Deps
from agent.state import ConversationState, ProposeReply, Reasoned

log = structlog.get_logger("agent.output_guard")


async def output_guard(state: ConversationState, deps: Deps) -> dict[str, Any]:
    proposal = state.proposal
    assert isinstance(proposal, ProposeReply)
    verdict = check_output(state, proposal, deps.policies)
    if verdict.ok:
        update: dict[str, Any] = {
            "reply": proposal.model_copy(update={"citations": verdict.citations})
        }
        if verdict.rule_id != "OUT-OK":
            await deps.record(
                state.conversation_id,
                state.turn,
                "output",
                verdict.rule_id,
                action="citations_filtered",
                reason=verdict.reason,
            )
            update["fired_rules"] = [
                *state.fired_rules,
                Reasoned(rule_id=verdict.rule_id, reason=verdict.reason, turn=state.turn),
            ]
        return update
    log.warning("reply_replaced", rule_id=verdict.rule_id)
    await deps.record(
        state.conversation_id,
        state.turn,
        "output",
        verdict.rule_id,
        action="replaced",
        reason=verdict.reason,
    )
    safe = ProposeReply(
        text=deps.templates.render("replies/safe_reply.j2"), status="awaiting_customer"
    )
    return {
        "reply": safe,
        "fired_rules": [
            *state.fired_rules,
            Reasoned(rule_id=verdict.rule_id, reason=verdict.reason, turn=state.turn),
        ],
    }
