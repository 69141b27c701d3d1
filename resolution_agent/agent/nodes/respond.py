"""respond: the reply joins the transcript and sets the conversation's status."""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import ConversationState, Message


async def respond(state: ConversationState, deps: Deps) -> dict[str, Any]:
    reply = state.this_turn.reply
    assert reply is not None
    update: dict[str, Any] = {"status": reply.status}
    after_handoff = bool(state.transcript) and "after_handoff" in state.transcript[-1].flags
    if not after_handoff:
        update["transcript"] = [
            Message(role="agent", text=reply.text, turn=state.turn, at=deps.clock()),
        ]
    update["slot"] = reply.slot
    known = {c.article_id for c in state.cited}
    update["cited"] = [*state.cited, *[c for c in reply.citations if c.article_id not in known]]
    if reply.status != "awaiting_customer":
        update["pending"] = None
        update["slot"] = None
    return update
