"""Unsure between intents that are all help-centre answers: answer if grounded, else ask.

A clarifying question costs the customer a turn and is worth it when the options lead to
different work (a procedure, a hand-off). When every option is answered from the help centre,
the passage comes from the customer's own words whichever option is right, so the agent
answers from a grounded passage and asks only when none is (``nodes.decide``,
``nodes.retrieve``). The classifier is scripted, so the test is about the rule, not the model.
"""

from __future__ import annotations

from collections.abc import Callable

from resolution_agent.agent import Settings
from resolution_agent.agent.retrieval.lexical import LexicalRetriever
from tests.agent.scripted_classifier import TableClassifier, agent_with, predicted

QUESTION = "how much cash can i withdraw from a cash machine in one day"
# Unsure (0.45) among three intents that are all answered from the help centre.
AMONG_ANSWERS = predicted("atm_support", 0.45, ("top_up_by_cash_or_cheque", 0.2))
# Just as unsure, but the runner-up is a procedure: asking decides what work to do.
WITH_A_PROCEDURE = predicted("atm_support", 0.45, ("pending_card_payment", 0.3))


async def test_an_unsure_question_among_answers_is_answered_from_a_grounded_passage(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    async with agent_with(
        TableClassifier({QUESTION: AMONG_ANSWERS}), make_settings, retriever
    ) as agent:
        reply = await agent.handle_message("conv-cash-day", "cus_1001", QUESTION)

    assert reply.status == "resolved"
    assert "Just to check I've understood" not in reply.text
    assert reply.citations, "an answer from the help centre is cited"


async def test_with_no_grounded_passage_the_question_is_asked(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    async with agent_with(
        TableClassifier({QUESTION: AMONG_ANSWERS}),
        make_settings,
        retriever,
        grounding_threshold=1.01,
    ) as agent:
        reply = await agent.handle_message("conv-cash-strict", "cus_1001", QUESTION)

    assert reply.status == "awaiting_customer"
    assert reply.text.startswith("Just to check I've understood")
    assert reply.citations == []


async def test_an_option_that_is_a_procedure_is_asked_about_first(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    async with agent_with(
        TableClassifier({QUESTION: WITH_A_PROCEDURE}), make_settings, retriever
    ) as agent:
        reply = await agent.handle_message("conv-cash-proc", "cus_1001", QUESTION)

    assert reply.status == "awaiting_customer"
    assert reply.text.startswith("Just to check I've understood")


async def test_an_unsure_reading_does_not_choose_the_article_the_customers_words_do(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    """Read as country_support at 0.31 (below the clarify threshold), a joint-account question
    is answered from the joint-accounts article its words find, not the country one."""
    question = "can me n my boyfriend open a joint account if hes with halifax not you"
    unsure = predicted("country_support", 0.31, ("age_limit", 0.15), ("receiving_money", 0.15))
    async with agent_with(TableClassifier({question: unsure}), make_settings, retriever) as agent:
        reply = await agent.handle_message("c-joint", "cus_1011", question)

    assert [c.article_id for c in reply.citations][:1] == ["joint-accounts"]


BOUNCED = "the money i sent to mia bounced back?"


async def test_unsure_between_readings_one_procedure_handles_runs_it_without_asking(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    """A failed transfer 0.34 or one not received 0.32: the transfer procedure finds the payment
    and says what became of it either way (DEC-ONE-PROCEDURE), citing its intent's article."""
    unsure = predicted(
        "failed_transfer",
        0.34,
        ("transfer_not_received_by_recipient", 0.32),
        ("top_up_reverted", 0.18),
    )
    async with agent_with(TableClassifier({BOUNCED: unsure}), make_settings, retriever) as agent:
        reply = await agent.handle_message("c-bounced", "cus_1001", BOUNCED)

    assert reply.status == "resolved"
    assert "Mia Clarke" in reply.text and "account is closed" in reply.text
    assert "transfer-failed" in [c.article_id for c in reply.citations]


async def test_unsure_between_readings_of_different_procedures_is_still_asked(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    unsure = predicted(
        "failed_transfer", 0.34, ("top_up_reverted", 0.32), ("pending_transfer", 0.1)
    )
    async with agent_with(TableClassifier({BOUNCED: unsure}), make_settings, retriever) as agent:
        reply = await agent.handle_message("c-bounced-2", "cus_1001", BOUNCED)

    assert reply.status == "awaiting_customer"
    assert "Just to check" in reply.text
