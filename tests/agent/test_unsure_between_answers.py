"""Unsure between intents that are all help-centre answers: answer if grounded, else ask.

A clarifying question costs the customer a turn and is worth it when the options lead to
different work (a procedure, a hand-off). When every option is answered from the help centre,
the passage comes from the customer's own words whichever option is right, so the agent
answers from a grounded passage and asks only when none is (``nodes.decide``,
``nodes.retrieve``).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from resolution_agent.agent import ResolutionAgent

OpenAgent = Callable[..., AbstractAsyncContextManager[ResolutionAgent]]

# The shipped classifier is unsure here (cash machines, cash top-ups, top-up limits: all
# answered from the help centre), so this message would have been asked about.
QUESTION = "how much cash can i withdrw in one day"


async def test_an_unsure_question_among_answers_is_answered_from_a_grounded_passage(
    agent: ResolutionAgent,
) -> None:
    reply = await agent.handle_message("conv-cash-day", "cus_1001", QUESTION)

    assert reply.status == "resolved"
    assert "Just to check I've understood" not in reply.text
    assert reply.citations, "an answer from the help centre is cited"


async def test_with_no_grounded_passage_the_question_is_asked(open_agent: OpenAgent) -> None:
    async with open_agent(grounding_threshold=1.01) as agent:  # nothing is grounded enough
        reply = await agent.handle_message("conv-cash-day-strict", "cus_1001", QUESTION)

    assert reply.status == "awaiting_customer"
    assert reply.text.startswith("Just to check I've understood")
    assert reply.citations == []
