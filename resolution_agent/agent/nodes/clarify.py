"""clarify: ask once what the customer means, naming the two likeliest problems.

The options are the intents' ``customer_label`` (``policies/intents.yaml``), the words a
customer would recognise; the question always ends with a way out ("or something else?"),
because both guesses may be wrong and a customer who cannot say so is pushed into one.
"""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import ConversationState, ProposeReply


async def clarify(state: ConversationState, deps: Deps) -> dict[str, Any]:
    understanding = state.this_turn.understanding
    assert understanding is not None
    prediction = understanding.prediction
    options = [prediction.intent, *[a.intent for a in prediction.alternatives]]
    labels = [
        deps.policies.intent(o).customer_label
        for o in dict.fromkeys(options)
        if o != "out_of_scope"
    ][:2]
    if not labels:
        text = deps.templates.render("replies/no_answer_clarify.j2")
    else:
        text = deps.templates.render(
            "replies/clarify.j2",
            first=labels[0],
            second=labels[1] if len(labels) > 1 else None,
        )
    return {
        "this_turn": state.this_turn.change(
            proposal=ProposeReply(text=text, status="awaiting_customer", slot="clarify")
        ),
        "clarifications": state.clarifications + 1,
    }
