"""clarify: ask once what the customer means, naming the two likeliest problems."""

from __future__ import annotations

from typing import Any

from agent.nodes.deps import Deps
from agent.state import ConversationState, ProposeReply


async def clarify(state: ConversationState, deps: Deps) -> dict[str, Any]:
    understanding = state.understanding
    assert understanding is not None
    prediction = understanding.prediction
    options = [prediction.intent, *[a.intent for a in prediction.alternatives]]
    described = [
        deps.policies.intent(o).description.rstrip(".").lower()
        for o in options
        if o != "out_of_scope"
    ][:2]
    if not described:
        text = deps.templates.render("replies/no_answer_clarify.j2")
    else:
        text = deps.templates.render(
            "replies/clarify.j2",
            first=described[0],
            second=described[1] if len(described) > 1 else None,
        )
    return {
        "proposal": ProposeReply(text=text, status="awaiting_customer", slot="clarify"),
        "clarifications": state.clarifications + 1,
    }
