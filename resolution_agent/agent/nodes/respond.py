"""respond: the reply joins the transcript and sets the conversation's status (in shadow mode
the reply is held as a COp's draft instead: :mod:`agent.desk.shadow`)."""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.desk.shadow import hold_for_cop
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import ConversationState, Message, ProposeReply


async def respond(state: ConversationState, deps: Deps) -> dict[str, Any]:
    reply = state.this_turn.reply
    assert reply is not None
    update: dict[str, Any] = {"status": reply.status}
    earlier = state.this_turn.earlier_replies
    if earlier:
        # Several requests in one message: what was done for each, in the order asked.
        reply = _joined([*earlier, reply])
        update["this_turn"] = state.this_turn.change(reply=reply)
    after_handoff = bool(state.transcript) and "after_handoff" in state.transcript[-1].flags
    if deps.settings.shadow_mode and reply.status != "handed_off" and not after_handoff:
        # Shadow mode: the reply waits on the case as a draft; the customer hears a COp will
        # answer, and the conversation stays open so the next message is drafted too.
        reply = await hold_for_cop(state, reply, deps)
        update["status"] = reply.status
        update["this_turn"] = state.this_turn.change(reply=reply)
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


def _joined(replies: list[ProposeReply]) -> ProposeReply:
    """One reply of several that each passed the output guard: texts in order, citations once,
    the last one's status and slot (what the conversation waits on now)."""
    citations = []
    for reply in replies:
        citations += [c for c in reply.citations if c not in citations]
    last = replies[-1]
    return last.model_copy(
        update={"text": " ".join(r.text for r in replies), "citations": citations}
    )
