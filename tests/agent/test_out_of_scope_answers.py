"""A message no intent names is still answered when the help centre answers it squarely.

The 86 intents do not name every banking question ("set up a standing order"); the classifier
calls such a message ``out_of_scope``. Out of scope means not banking, so the offline planner
answers it from a passage grounded at ``Settings.out_of_scope_grounding`` or more, cited, and
keeps the "what can I help with" reply for what the help centre does not answer.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from resolution_agent.agent import ResolutionAgent

OpenAgent = Callable[..., AbstractAsyncContextManager[ResolutionAgent]]


async def test_a_banking_question_no_intent_names_is_answered_from_the_help_centre(
    agent: ResolutionAgent,
) -> None:
    reply = await agent.handle_message(
        "conv-standing-order", "cus_1001", "how do I set up a standing order to pay my landlord"
    )

    assert reply.intent == "out_of_scope"  # the shipped intents have none for standing orders
    assert reply.status == "resolved"
    assert "standing order" in reply.text.lower()
    assert [c.article_id for c in reply.citations] == ["standing-orders"]


async def test_a_question_about_something_else_gets_the_what_can_i_help_with_reply(
    agent: ResolutionAgent,
) -> None:
    reply = await agent.handle_message(
        "conv-weather", "cus_1001", "is it going to snow in Aberdeen this week"
    )

    assert reply.status == "awaiting_customer"
    assert "banking assistant" in reply.text
    assert reply.citations == []


async def test_the_threshold_is_a_setting(open_agent: OpenAgent) -> None:
    async with open_agent(out_of_scope_grounding=1.01) as agent:
        reply = await agent.handle_message(
            "conv-strict", "cus_1001", "how do I set up a standing order to pay my landlord"
        )
    assert "banking assistant" in reply.text
    assert reply.citations == []
