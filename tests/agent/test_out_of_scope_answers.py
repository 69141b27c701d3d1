"""A message no intent names is still answered when the help centre answers it squarely.

The 86 intents do not name every banking question ("set up a standing order"); a classifier
may call such a message ``out_of_scope``. Out of scope means not banking, so the offline planner
answers it from a passage grounded at ``Settings.out_of_scope_grounding`` or more, cited, and
keeps the "what can I help with" reply for what the help centre does not answer. The
classifier is scripted: the test is about what the graph does with ``out_of_scope``.
"""

from __future__ import annotations

from collections.abc import Callable

from resolution_agent.agent import Settings
from resolution_agent.agent.retrieval.lexical import LexicalRetriever
from tests.agent.scripted_classifier import TableClassifier, agent_with, predicted

STANDING_ORDER = "how do I set up a standing order to pay my landlord"
WEATHER = "is it going to snow in Aberdeen this week"
CLASSIFIER = TableClassifier(
    {
        STANDING_ORDER: predicted("out_of_scope", 0.66, ("order_physical_card", 0.17)),
        WEATHER: predicted("out_of_scope", 0.97, ("greeting", 0.01)),
    }
)


async def test_a_banking_question_no_intent_names_is_answered_from_the_help_centre(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    async with agent_with(CLASSIFIER, make_settings, retriever) as agent:
        reply = await agent.handle_message("conv-standing-order", "cus_1001", STANDING_ORDER)

    assert reply.intent == "out_of_scope"
    assert reply.status == "resolved"
    assert "standing order" in reply.text.lower()
    assert [c.article_id for c in reply.citations] == ["standing-orders"]


async def test_a_question_about_something_else_gets_the_what_can_i_help_with_reply(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    async with agent_with(CLASSIFIER, make_settings, retriever) as agent:
        reply = await agent.handle_message("conv-weather", "cus_1001", WEATHER)

    assert reply.status == "awaiting_customer"
    assert "banking assistant" in reply.text
    assert reply.citations == []


async def test_the_threshold_is_a_setting(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    # the runner-up bar out of reach too, so the redirect, not the question, shows the setting
    async with agent_with(
        CLASSIFIER,
        make_settings,
        retriever,
        out_of_scope_grounding=1.01,
        out_of_scope_runner_up=1.0,
    ) as agent:
        reply = await agent.handle_message("conv-strict", "cus_1001", STANDING_ORDER)

    assert "banking assistant" in reply.text
    assert reply.citations == []


LANDLORD = "the 950 to harbour lettings on the first, want it stopped"
NEAR = TableClassifier(
    {
        LANDLORD: predicted("out_of_scope", 0.55, ("cancel_transfer", 0.27), ("greeting", 0.1)),
        WEATHER: predicted("out_of_scope", 0.86, ("cancel_transfer", 0.12)),
    }
)


async def test_out_of_scope_with_a_banking_intent_near_is_asked_about_not_redirected(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    async with agent_with(NEAR, make_settings, retriever) as agent:
        reply = await agent.handle_message("conv-near", "cus_1001", LANDLORD)

    assert reply.status == "awaiting_customer"
    assert "banking assistant" not in reply.text
    assert "cancelling a transfer" in reply.text  # the option, in the intent's customer label
    assert "something else" in reply.text


async def test_a_banking_intent_below_the_runner_up_bar_keeps_the_redirect(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    async with agent_with(NEAR, make_settings, retriever) as agent:
        reply = await agent.handle_message("conv-far", "cus_1001", WEATHER)

    assert "banking assistant" in reply.text
