"""clarify: ask once what the customer means, naming the two or three likeliest problems.

The options are the intents' ``customer_label`` (``policies/intents.yaml``), the words a
customer would recognise; the question always ends with a way out ("or something else?"),
because both guesses may be wrong and a customer who cannot say so is pushed into one. The
customer may answer with a position ("the first", "2") or the words of one option
(``understanding.choice``).
"""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import ConversationState, ProposeReply
from resolution_agent.agent.understanding.choice import clarify_options


async def clarify(state: ConversationState, deps: Deps) -> dict[str, Any]:
    understanding = state.this_turn.understanding
    assert understanding is not None
    options = clarify_options(understanding.prediction, deps.policies)
    labels = [deps.policies.intent(o).customer_label for o in options]
    if not labels:
        text = deps.templates.render("replies/no_answer_clarify.j2")
    else:
        text = deps.templates.render("replies/clarify.j2", options=labels)
    return {
        "this_turn": state.this_turn.change(
            proposal=ProposeReply(text=text, status="awaiting_customer", slot="clarify")
        ),
        "clarifications": state.clarifications + 1,
    }
