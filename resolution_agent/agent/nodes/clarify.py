"""clarify: ask once what the customer means, naming the two likeliest problems."""

from __future__ import annotations

import re
from typing import Any

from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import ConversationState, ProposeReply


def _as_question(description: str) -> str:
    """'Customer's card is lost.' -> 'your card is lost', for a question to the customer."""
    text = description.rstrip(".")
    text = re.sub(r"^(The )?[Cc]ustomer's ", "your ", text)
    text = re.sub(
        r"^(The )?[Cc]ustomer (is |has |wants |asks |needs )?",
        lambda m: (
            "you "
            + (
                {
                    "is ": "are ",
                    "has ": "have ",
                    "wants ": "want ",
                    "asks ": "ask ",
                    "needs ": "need ",
                }.get(m.group(2) or "", "")
            )
        ),
        text,
    )
    text = re.sub(r"\btheir\b", "your", text)
    return text[0].lower() + text[1:] if text else text


async def clarify(state: ConversationState, deps: Deps) -> dict[str, Any]:
    understanding = state.this_turn.understanding
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
        "this_turn": state.this_turn.change(
            proposal=ProposeReply(text=text, status="awaiting_customer", slot="clarify")
        ),
        "clarifications": state.clarifications + 1,
    }
