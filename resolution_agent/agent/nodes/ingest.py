"""ingest: validate and normalise the message, append it to the transcript, start a new turn.

Nothing a customer sends can crash the graph: control characters and broken Unicode are
cleaned, an empty message gets a prompt, an oversized one is kept (truncated, flagged) and
answered with a request for something shorter. After a handoff the message is only recorded.
"""

from __future__ import annotations

import re
from typing import Any

from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import (
    ConversationState,
    Message,
    ProposeReply,
    TurnScope,
    full_copy_due,
)
from resolution_agent.tools.vocabulary import IDENTITY_RANK

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub("", text).replace("\r\n", "\n").strip()


async def ingest(state: ConversationState, deps: Deps) -> dict[str, Any]:
    return full_copy_due(state, state.turn + 1, _take_in(state, deps))


def _take_in(state: ConversationState, deps: Deps) -> dict[str, Any]:
    now = deps.clock()
    turn = state.turn + 1
    text = clean_text(state.incoming)
    identity = state.inbound_identity
    if state.verified and IDENTITY_RANK[identity] >= IDENTITY_RANK["app_authenticated"]:
        identity = "step_up"
    update: dict[str, Any] = {
        "turn": turn,
        "now": now,
        "identity": identity,
        "incoming": text,
    }
    this_turn = TurnScope(action_start=len(state.actions))  # every turn-scoped field reset
    limit = deps.settings.max_message_chars
    if not text:
        update["this_turn"] = this_turn.but(
            reply=ProposeReply(
                text=deps.templates.render("replies/message_empty.j2"), status="awaiting_customer"
            )
        )
        return update
    if state.status == "handed_off":
        message = Message(
            role="customer",
            text=text[:limit],
            turn=turn,
            at=now,
            flags=["after_handoff"],
            message_id=state.message_id,
        )
        update["transcript"] = [message]
        update["this_turn"] = this_turn.but(
            reply=ProposeReply(
                text=deps.templates.render("replies/after_handoff.j2"), status="handed_off"
            )
        )
        return update
    flags: list[str] = []
    if len(text) > limit:
        flags.append("truncated")
        this_turn = this_turn.but(
            reply=ProposeReply(
                text=deps.templates.render(
                    "replies/message_too_long.j2", length=len(text), limit=limit
                ),
                status="awaiting_customer",
            )
        )
    message = Message(
        role="customer",
        text=text[:limit],
        turn=turn,
        at=now,
        flags=flags,
        message_id=state.message_id,
    )
    update["transcript"] = [message]
    update["this_turn"] = this_turn
    update["incoming"] = text[:limit]
    return update
