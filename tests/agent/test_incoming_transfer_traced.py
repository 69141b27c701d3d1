"""A transfer into the account, missing for longer than the article's wait: a person traces it.

The help centre says a Faster Payment from another bank "almost always" arrives within 2
hours, and "if your bank transfer hasn't arrived after 2 hours, or after 3 working days for
Bacs, message us ... We'll trace it for you" (``trace_after_hours`` and
``trace_after_working_days`` in ``policies/intents.yaml``). A wait told in hours or as "last
night" past that is handed to the payments team; a fresh one, or wages sent by Bacs, is
answered with the article.
"""

from __future__ import annotations

import pytest

from resolution_agent.agent.api import ResolutionAgent


@pytest.mark.parametrize(
    "text",
    [
        "sent £400 from my monzo to my kestrel last nite n its still not here",
        "moved 250 quid from my barclays account into this one, been like 14 hours now and nothing",
    ],
)
async def test_an_incoming_transfer_missing_past_two_hours_is_traced_by_a_person(
    memory_agent: ResolutionAgent, text: str
) -> None:
    reply = await memory_agent.handle_message("c-in", "cus_1024", text)

    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert reply.handoff.queue == "payments"
    state = (await memory_agent.get_conversation("c-in")).state
    assert [r.rule_id for r in state.fired_rules][-1] == "ESC-SELF-SERVICE-FAILED"


@pytest.mark.parametrize(
    "text",
    [
        "sent money from my other bank to my kestrel account an hour ago, not showing yet",
        "my wages were paid by bacs last night and my balance hasn't updated",
        "moved money from my barclays into kestrel, balance not updated, they said up to 24 hours",
    ],
)
async def test_within_the_wait_or_by_a_slower_scheme_the_article_answers(
    memory_agent: ResolutionAgent, text: str
) -> None:
    reply = await memory_agent.handle_message("c-wait", "cus_1024", text)

    assert reply.status == "resolved", reply.text
    assert reply.handoff is None
