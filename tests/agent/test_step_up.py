"""PIN unblock needs step-up: a one-time code checked by the bank, or the channel's word."""

from __future__ import annotations

from collections.abc import Callable

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.retrieval.lexical import LexicalRetriever
from tests.agent.conftest import bank_of
from tests.agent.scripted_classifier import TableClassifier, agent_with, predicted

CUSTOMER = "cus_1003"
CARD = "card_1003a"
PIN = "my PIN is blocked"
RIGHT_CODE = "731640"
WRONG_CODE = "111111"
NO_TEXT = "I haven't got a text yet"


async def test_a_blocked_pin_starts_verification_and_waits_for_the_code(
    agent: ResolutionAgent,
) -> None:
    bank = bank_of(agent)

    reply = await agent.handle_message("conv-pin", CUSTOMER, PIN)

    assert reply.status == "awaiting_customer"
    assert reply.intent == "pin_blocked"
    assert [(a.tool, a.args, a.outcome) for a in reply.actions] == [
        ("list_cards", {"customer_id": CUSTOMER}, "succeeded"),
        ("start_verification", {"customer_id": CUSTOMER}, "succeeded"),
    ]
    assert "code" in reply.text.lower()
    assert bank.calls["start_verification"] == 1
    assert bank.calls["unblock_pin"] == 0
    assert bank.state.cards[CARD].pin_blocked is True


async def test_a_wrong_code_leaves_the_pin_blocked_and_says_how_many_tries_are_left(
    agent: ResolutionAgent,
) -> None:
    bank = bank_of(agent)
    await agent.handle_message("conv-pin", CUSTOMER, PIN)

    reply = await agent.handle_message("conv-pin", CUSTOMER, WRONG_CODE)

    assert reply.status == "awaiting_customer"
    assert [(a.tool, a.args) for a in reply.actions] == [
        ("check_verification", {"customer_id": CUSTOMER, "code": WRONG_CODE})
    ]
    assert "2 tries left" in reply.text
    assert bank.calls["unblock_pin"] == 0
    assert bank.state.cards[CARD].pin_blocked is True


async def test_the_right_code_after_a_wrong_one_unblocks_the_pin(agent: ResolutionAgent) -> None:
    bank = bank_of(agent)
    await agent.handle_message("conv-pin", CUSTOMER, PIN)
    await agent.handle_message("conv-pin", CUSTOMER, WRONG_CODE)

    reply = await agent.handle_message("conv-pin", CUSTOMER, RIGHT_CODE)

    assert reply.status == "resolved"
    assert [(a.tool, a.outcome) for a in reply.actions] == [
        ("check_verification", "succeeded"),
        ("unblock_pin", "succeeded"),
    ]
    assert reply.actions[1].args == {"card_id": CARD}
    assert "unblocked" in reply.text.lower()
    assert "5512" in reply.text
    assert RIGHT_CODE not in reply.text
    assert bank.state.cards[CARD].pin_blocked is False
    assert bank.calls["unblock_pin"] == 1


async def test_three_wrong_codes_hand_off_to_fincrime_with_the_pin_still_blocked(
    agent: ResolutionAgent,
) -> None:
    bank = bank_of(agent)
    await agent.handle_message("conv-pin", CUSTOMER, PIN)
    await agent.handle_message("conv-pin", CUSTOMER, "111111")
    await agent.handle_message("conv-pin", CUSTOMER, "222222")

    reply = await agent.handle_message("conv-pin", CUSTOMER, "333333")

    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert reply.handoff.queue == "fincrime"
    assert [r.rule_id for r in reply.handoff.reasons] == ["ESC-VERIFICATION-FAILED"]
    assert bank.calls["unblock_pin"] == 0
    assert bank.state.cards[CARD].pin_blocked is True


async def test_step_up_vouched_by_the_channel_unblocks_without_asking_for_a_code(
    agent: ResolutionAgent,
) -> None:
    bank = bank_of(agent)

    reply = await agent.handle_message("conv-pin", CUSTOMER, PIN, identity="step_up")

    assert reply.status == "resolved"
    assert [(a.tool, a.args) for a in reply.actions] == [
        ("list_cards", {"customer_id": CUSTOMER}),
        ("unblock_pin", {"card_id": CARD}),
    ]
    assert bank.calls["start_verification"] == 0
    assert bank.calls["check_verification"] == 0
    assert bank.state.cards[CARD].pin_blocked is False


async def test_an_unauthenticated_channel_gets_nothing_read_or_changed(
    agent: ResolutionAgent,
) -> None:
    bank = bank_of(agent)

    reply = await agent.handle_message("conv-pin", CUSTOMER, PIN, identity="none")

    assert reply.status == "awaiting_customer"
    assert reply.actions == []
    assert bank.calls["list_cards"] == 0
    assert bank.calls["start_verification"] == 0
    assert bank.calls["unblock_pin"] == 0
    assert bank.state.cards[CARD].pin_blocked is True


async def test_a_half_guessed_other_topic_while_the_code_is_awaited_keeps_waiting(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    # "I haven't got a text yet" reads a little like a card that has not arrived; the code
    # is what is awaited, so the agent still waits for it and asks for nothing else.
    classifier = TableClassifier(
        {
            PIN: predicted("pin_blocked", 0.97),
            NO_TEXT: predicted("card_arrival", 0.55, ("out_of_scope", 0.2)),
            RIGHT_CODE: predicted("out_of_scope", 0.6),
        }
    )
    async with agent_with(classifier, make_settings, retriever) as agent:
        await agent.handle_message("conv-pin-wait", CUSTOMER, PIN)

        waiting = await agent.handle_message("conv-pin-wait", CUSTOMER, NO_TEXT)
        done = await agent.handle_message("conv-pin-wait", CUSTOMER, RIGHT_CODE)

    assert waiting.status == "awaiting_customer"
    assert "get_card_delivery" not in [a.tool for a in waiting.actions]
    assert "code" in waiting.text.lower()
    assert done.status == "resolved"
    assert [a.tool for a in done.actions] == ["check_verification", "unblock_pin"]


async def test_a_confident_new_problem_while_the_code_is_awaited_is_taken_up(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    lost = "actually forget that, I've just lost my card"
    classifier = TableClassifier(
        {PIN: predicted("pin_blocked", 0.97), lost: predicted("lost_or_stolen_card", 0.96)}
    )
    async with agent_with(classifier, make_settings, retriever) as agent:
        await agent.handle_message("conv-pin-lost", CUSTOMER, PIN)

        reply = await agent.handle_message("conv-pin-lost", CUSTOMER, lost)

    assert reply.intent == "lost_or_stolen_card"
    assert "freeze_card" in [a.tool for a in reply.actions]


async def test_another_question_while_the_code_is_awaited_is_answered_even_when_unsure(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    # Not about the code, so not more of it, though the classifier is only fairly sure.
    change = "actually how do I change my pin"
    classifier = TableClassifier(
        {PIN: predicted("pin_blocked", 0.97), change: predicted("change_pin", 0.7)}
    )
    async with agent_with(classifier, make_settings, retriever) as agent:
        await agent.handle_message("conv-pin-change", CUSTOMER, PIN)

        reply = await agent.handle_message("conv-pin-change", CUSTOMER, change)

    assert reply.intent == "change_pin"
    assert reply.status == "resolved"
    assert "unblock_pin" not in [a.tool for a in reply.actions]
