"""Several requests in one message: each handled in order through its own procedure, guard and
confirmation, one reply saying what was done for each; a hand-off ends the queue and names
what was still open.

The classifier is a fake that answers by text, so which clause means what is pinned and the
tests check the agent's handling, not the model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.retrieval import LexicalRetriever
from resolution_agent.agent.settings import Settings
from resolution_agent.agent.state import IntentPrediction, IntentScore
from resolution_agent.tools.mockbank import FaultRule, MockBank


def _sure(intent: str) -> IntentPrediction:
    return IntentPrediction(
        intent=intent,
        confidence=0.95,
        alternatives=[IntentScore(intent="out_of_scope", score=0.02)],
        source="test",
    )


_UNSURE = IntentPrediction(intent="out_of_scope", confidence=0.2, source="test")


class ByText:
    """Answers each text with the prediction given for it, else an unsure ``out_of_scope``."""

    def __init__(self, answers: Mapping[str, IntentPrediction]) -> None:
        self._answers = dict(answers)

    async def classify(self, text: str) -> IntentPrediction:
        return self._answers.get(text, _UNSURE)


CARD_AND_APPLE_PAY = "wheres my new card? and how do i add it to apple pay once it comes"
RENT_AND_TIMING = (
    "cancel december's rent to taff flats please, and how long does a normal transfer "
    "take to reach my new landlord?"
)
LOST_AND_APPLE_PAY = "I've lost my card and also how do i add a card to apple pay"
TOLD_TWICE = "wheres my new card? its been ages and when is my new card coming"
DECLINED_AND_PENDING = "why did my bet365 payment get declined, and why is primark still pending?"

CLASSIFIER = ByText(
    {
        CARD_AND_APPLE_PAY: _sure("card_arrival"),
        "wheres my new card?": _sure("card_arrival"),
        TOLD_TWICE: _sure("card_arrival"),
        "its been ages": _sure("card_arrival"),
        "when is my new card coming": _sure("card_delivery_estimate"),
        "how do i add it to apple pay once it comes": _sure("apple_pay_or_google_pay"),
        RENT_AND_TIMING: _sure("cancel_transfer"),
        "cancel december's rent to taff flats please": _sure("cancel_transfer"),
        "how long does a normal transfer take to reach my new landlord?": _sure("transfer_timing"),
        LOST_AND_APPLE_PAY: _sure("lost_or_stolen_card"),
        "I've lost my card": _sure("lost_or_stolen_card"),
        "how do i add a card to apple pay": _sure("apple_pay_or_google_pay"),
        DECLINED_AND_PENDING: _sure("declined_card_payment"),
        "why did my bet365 payment get declined": _sure("declined_card_payment"),
        "why is primark still pending?": _sure("pending_card_payment"),
    }
)


def _agent(
    make_settings: Callable[..., Settings], bank: MockBank, retriever: LexicalRetriever
) -> ResolutionAgent:
    return ResolutionAgent(
        make_settings(checkpointer="memory"),
        mock_bank=bank,
        retriever=retriever,
        classifier=CLASSIFIER,
    )


async def test_two_requests_in_one_message_are_both_handled_in_the_order_asked(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
) -> None:
    bank = new_bank()
    async with _agent(make_settings, bank, retriever) as agent:
        reply = await agent.handle_message("two", "cus_1004", CARD_AND_APPLE_PAY)

    assert bank.calls["get_card_delivery"] == 1
    assert "1067" in reply.text and "Apple Pay" in reply.text
    assert reply.text.index("1067") < reply.text.index("Apple Pay")
    assert reply.status == "resolved"
    assert reply.intent == "apple_pay_or_google_pay"  # the problem now is the last one


async def test_the_later_request_waits_for_the_first_requests_confirmation(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
) -> None:
    bank = new_bank()
    async with _agent(make_settings, bank, retriever) as agent:
        asked = await agent.handle_message("wait", "cus_1016", RENT_AND_TIMING)
        done = await agent.handle_message("wait", "cus_1016", "yes")

    assert asked.status == "awaiting_customer"
    timing = "How long do bank transfers take?"  # the article answering the second request
    assert "Taff Flats" in asked.text and timing not in asked.text
    assert bank.state.payments["pay_1016_02"].status == "cancelled"
    assert done.text.index("cancelled the scheduled payment") < done.text.index(timing)
    assert done.status == "resolved"


async def test_a_declined_and_a_pending_payment_asked_together_are_each_explained(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
) -> None:
    async with _agent(make_settings, new_bank(), retriever) as agent:
        reply = await agent.handle_message("two-payments", "cus_1018", DECLINED_AND_PENDING)

    assert reply.status == "resolved"
    assert "BET365" in reply.text and "declined" in reply.text
    assert "Primark" in reply.text and "still pending" in reply.text
    assert reply.text.index("BET365") < reply.text.index("Primark")


async def test_a_request_told_twice_in_one_message_is_handled_once(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
) -> None:
    bank = new_bank()
    async with _agent(make_settings, bank, retriever) as agent:
        reply = await agent.handle_message("one", "cus_1004", TOLD_TWICE)

    assert bank.calls["get_card_delivery"] == 1
    assert reply.text.count("1067") == 1


async def test_a_hand_off_ends_the_queue_and_the_summary_names_the_request_still_open(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
) -> None:
    bank = new_bank()
    bank.faults.add(FaultRule(endpoint="freeze_card", status=503, times=0))
    async with _agent(make_settings, bank, retriever) as agent:
        reply = await agent.handle_message("handoff", "cus_1001", LOST_AND_APPLE_PAY)

    assert reply.status == "handed_off"
    assert "Apple Pay" not in reply.text
    assert reply.handoff is not None
    assert any("how do i add a card to apple pay" in item for item in reply.handoff.open_items)


async def test_an_offer_after_the_first_request_is_done_gives_way_to_the_next_request(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
) -> None:
    bank = new_bank()
    async with _agent(make_settings, bank, retriever) as agent:
        reply = await agent.handle_message("offer", "cus_1001", LOST_AND_APPLE_PAY)
        events = await agent.audit_events("offer")
        await agent.handle_message("offer", "cus_1001", "yes")

    assert bank.state.cards["card_1001a"].status == "frozen"
    assert reply.text.index("frozen") < reply.text.index("Apple Pay")
    assert "replacement" not in reply.text  # the offer was not made ...
    assert bank.calls["cancel_card"] == 0  # ... so a later yes cannot take it up
    # Three replies passed the output rules: the first request's (with the offer), what was
    # done without the offer (composed after the guard, so checked again), the second's.
    checked = [e.detail.get("action") for e in events if e.kind == "output"]
    assert checked == ["sent", "sent", "sent"]
