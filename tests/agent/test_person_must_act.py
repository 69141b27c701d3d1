"""Person-must-act cues inside a procedure: the agent does its part, then a person takes over.

A lost or stolen card someone has already spent on is frozen first and then handed to the fraud
team, urgently; an app route the customer says has failed is handed off instead of the same
article again. Checked on the bank, the case queue and the reply.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.retrieval.lexical import LexicalRetriever
from resolution_agent.agent.understanding.signals import (
    reports_card_details_given,
    reports_card_gone,
    reports_card_misuse,
    reports_self_service_failed,
)
from tests.agent.conftest import bank_of, card_status
from tests.agent.scripted_classifier import TableClassifier, agent_with, predicted


@pytest.mark.parametrize(
    ("customer", "card", "text"),
    [
        (
            "cus_1009",
            "card_1009a",
            "i lost my card in paris and now theres 174 quid taken out in madrid, that wasnt me",
        ),
        (
            "cus_1010",
            "card_1010a",
            "my wallet got stolen this morning and someone has already been spending on my card",
        ),
        (
            "cus_1016",
            "card_1016a",
            "card got nicked yday and theres payments on it i never made",
        ),
        # no cue rule lists these; the intent model hears the disowned spending in a piece
        (
            "cus_1001",
            "card_1001a",
            "i think my card fell out of my pocket and now there's an amazon purchase i dont "
            "recognise",
        ),
        (
            "cus_1009",
            "card_1009a",
            "phone and card stolen from my car, just noticed two cash withdrawals I never did",
        ),
        ("cus_1010", "card_1010a", "lost card, theres a transaction at mcdonalds i didnt do"),
        # neither a cue rule nor the model: the shape of a spend told as done
        (
            "cus_1013",
            "card_1013a",
            "my phone n card holder got snatched off me on oxford st an hour ago, my card has "
            "been used to buy 2 gift cards at boots £95 each, pls help",
        ),
    ],
)
async def test_a_lost_card_already_used_is_frozen_then_handed_to_fraud_urgently(
    agent: ResolutionAgent, customer: str, card: str, text: str
) -> None:
    reply = await agent.handle_message("c-misuse", customer, text)

    conversation = await agent.get_conversation("c-misuse")
    assert card_status(bank_of(agent), card) == "frozen"
    assert reply.status == "handed_off"
    assert conversation.handoff is not None
    assert (conversation.handoff.queue, conversation.handoff.priority) == ("fincrime", "urgent")
    assert "frozen" in reply.text and "fraud and scams team" in reply.text
    assert bank_of(agent).calls["cancel_card"] == 0


async def test_misuse_told_while_the_cancel_question_waits_reaches_the_fraud_team(
    agent: ResolutionAgent,
) -> None:
    await agent.handle_message("c-later", "cus_1001", "i've lost my card somewhere")

    reply = await agent.handle_message(
        "c-later",
        "cus_1001",
        "wait, there's a pret payment on it i didnt make, someone's been using it",
    )

    conversation = await agent.get_conversation("c-later")
    assert reply.status == "handed_off"
    assert conversation.handoff is not None
    assert conversation.handoff.queue == "fincrime"
    assert card_status(bank_of(agent), "card_1001a") == "frozen"
    assert bank_of(agent).calls["cancel_card"] == 0


async def test_card_details_given_to_a_fake_text_are_frozen_first_then_handed_to_fraud(
    agent: ResolutionAgent,
) -> None:
    reply = await agent.handle_message(
        "c-parcel",
        "cus_1008",
        "I got a text saying a parcel couldnt be delivered and I had to pay a fee, I clicked it "
        "and put my card details in and now I think it was fake",
    )

    conversation = await agent.get_conversation("c-parcel")
    assert card_status(bank_of(agent), "card_1008a") == "frozen"
    assert reply.status == "handed_off"
    assert conversation.handoff is not None
    assert (conversation.handoff.queue, conversation.handoff.priority) == ("fincrime", "urgent")
    assert [r.rule_id for r in conversation.handoff.reasons] == ["ESC-FINCRIME-CARD-DETAILS-GIVEN"]
    assert "frozen" in reply.text and "fraud and scams team" in reply.text
    assert bank_of(agent).calls["cancel_card"] == 0


@pytest.mark.parametrize(
    "text",
    [
        "I clicked it and put my card details in",
        "the caller said he was from the bank so i gave him my card number",
        "i typed in my long number and the cvv",
    ],
)
def test_card_details_typed_in_or_read_out_are_given_away(text: str) -> None:
    assert reports_card_details_given(text)


@pytest.mark.parametrize(
    "text",
    [
        "my card details were leaked in a data breach",  # compromised, but not handed over
        "someone must have my card details",
        "I clicked a link and put in my details",  # login details, maybe: no card to freeze
        "how do i give my details to a new employer",
    ],
)
def test_details_leaked_or_not_about_the_card_are_not_given_away(text: str) -> None:
    assert not reports_card_details_given(text)


async def test_a_lost_card_without_misuse_still_offers_a_replacement(
    agent: ResolutionAgent,
) -> None:
    reply = await agent.handle_message("c-plain", "cus_1001", "i've lost my card somewhere")

    assert reply.status == "awaiting_customer"
    assert "replacement" in reply.text


async def test_an_app_route_that_failed_is_handed_off_not_answered_again(
    agent: ResolutionAgent,
) -> None:
    reply = await agent.handle_message(
        "c-app",
        "cus_1021",
        "ive tried to update my address in the app 3 times now and it keeps saying something "
        "went wrong",
    )

    conversation = await agent.get_conversation("c-app")
    assert reply.status == "handed_off"
    assert conversation.handoff is not None
    assert conversation.handoff.queue == "general"


async def test_a_plain_how_to_question_is_answered_from_the_help_centre(
    agent: ResolutionAgent,
) -> None:
    reply = await agent.handle_message("c-how", "cus_1021", "how do i change my address")

    assert reply.status == "resolved"
    assert reply.citations


@pytest.mark.parametrize(
    "text",
    ["someone has taken my card", "i've lost my card", "I don't recognise this payment"],
)
def test_a_lost_card_or_an_unknown_payment_alone_is_not_misuse_of_a_lost_card(text: str) -> None:
    assert not (reports_card_gone(text) and reports_card_misuse(text))


@pytest.mark.parametrize(
    "text",
    [
        "how do i close my account",
        "can I pay in a cheque in the app",
        "where is my new card",
        "did that payment go through?",
        "did it arrive yet",
        "tried this before, what else can i do to save",
        "my new card never arrived",
        "can i still use my card abroad",
    ],
)
def test_a_question_is_not_a_failed_self_service_route(text: str) -> None:
    assert not reports_self_service_failed(text)


@pytest.mark.parametrize(
    "text",
    [
        "did that, it says the amount's too high",
        "done it and it still fails",
        "tried that.",
        "done exactly that, typed the last 4 and the expiry like 5 times and it just keeps saying "
        "details not recognised",
        "it keeps saying the code is invalid",
        "her machine kept saying the card cannot be used for deposits",
        "Then I went to the one at Forster Square, same message.",
        "the code for the new number never arrives. Four times I tried",
    ],
)
def test_a_route_followed_and_refused_is_a_failed_self_service_route(text: str) -> None:
    assert reports_self_service_failed(text)


@pytest.mark.parametrize(
    "text",
    [
        "those two payments from last night aren't mine",
        "the thief has been buying stuff online with it",
        "somebody racked up 200 quid on it before I noticed",
    ],
)
def test_a_payment_disowned_or_spent_by_a_thief_is_misuse(text: str) -> None:
    assert reports_card_misuse(text)


async def test_every_card_said_stolen_at_once_is_frozen_then_handed_to_fraud(
    agent: ResolutionAgent,
) -> None:
    reply = await agent.handle_message(
        "c-both",
        "cus_1007",
        "my handbag was snatched with both my cards in it and the thief has spent on one already",
    )

    conversation = await agent.get_conversation("c-both")
    assert card_status(bank_of(agent), "card_1007a") == "frozen"
    assert card_status(bank_of(agent), "card_1007b") == "frozen"
    assert reply.status == "handed_off"
    assert conversation.handoff is not None
    assert conversation.handoff.queue == "fincrime"


async def test_an_answered_route_the_customer_then_says_failed_goes_to_a_person(
    agent: ResolutionAgent,
) -> None:
    await agent.handle_message("c-route", "cus_1013", "can I pay in a cheque in the app")

    reply = await agent.handle_message(
        "c-route", "cus_1013", "tried it, the app says the cheque is too big to accept"
    )

    conversation = await agent.get_conversation("c-route")
    assert reply.status == "handed_off"
    assert conversation.handoff is not None
    assert conversation.handoff.queue == "payments"


async def test_a_route_followed_and_failed_stays_the_answered_problem_whatever_it_sounds_like(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    """What went wrong ("details not recognised") may sound to the classifier like another
    problem (a failed identity check); "done exactly that" says it is the route just given."""
    asked = "the replacement card's arrived at last, whats the process to switch it on"
    failed = (
        "done exactly that, typed the last 4 and the expiry like 5 times and it just keeps "
        "saying details not recognised"
    )
    table = {
        asked: predicted("activate_my_card", 0.9),
        failed: predicted("unable_to_verify_identity", 0.64, ("card_about_to_expire", 0.22)),
    }
    async with agent_with(TableClassifier(table), make_settings, retriever) as agent:
        answered = await agent.handle_message("c-followed", "cus_1013", asked)
        reply = await agent.handle_message("c-followed", "cus_1013", failed)
        conversation = await agent.get_conversation("c-followed")

    assert answered.status == "resolved"
    assert reply.status == "handed_off"
    assert conversation.handoff is not None
    assert conversation.handoff.queue == "cards"


async def test_a_lost_card_with_nothing_spent_yet_is_frozen_and_replacing_it_offered(
    agent: ResolutionAgent,
) -> None:
    reply = await agent.handle_message(
        "c-not-yet", "cus_1001", "my card was stolen, no payments on it so far but im scared"
    )

    assert card_status(bank_of(agent), "card_1001a") == "frozen"
    assert reply.status == "awaiting_customer"
    assert "fraud and scams team" not in reply.text
    assert "replacement" in reply.text


async def test_a_card_gone_with_spending_since_is_frozen_without_asking_which_problem(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    text = "my card got snatched at the festival and there are orders on it i never made"
    unsure = predicted(
        "card_payment_not_recognised",
        0.4,
        ("compromised_card", 0.2),
        ("declined_card_payment", 0.1),
    )
    async with agent_with(TableClassifier({text: unsure}), make_settings, retriever) as agent:
        reply = await agent.handle_message("c-unsure-misuse", "cus_1016", text)

        assert card_status(bank_of(agent), "card_1016a") == "frozen"
    assert reply.status == "handed_off"
    assert "fraud and scams team" in reply.text


@pytest.mark.parametrize(
    "text",
    [
        "I forgot my card in the self-checkout at Lidl on Lincoln Road yesterday",
        "left me card in the trolley at asda",
        "think i left my card on the bus",
    ],
)
def test_a_card_left_where_anyone_may_take_it_is_gone(text: str) -> None:
    assert reports_card_gone(text)


@pytest.mark.parametrize(
    "text",
    [
        "i left my card at home, can i use apple pay",
        "left my card in my car",
        "forgot my card at work",
    ],
)
def test_a_card_left_at_home_at_work_or_in_ones_own_car_is_not_gone(text: str) -> None:
    assert not reports_card_gone(text)


async def test_a_loss_with_a_payment_disowned_is_recorded_as_the_lost_card(
    agent: ResolutionAgent,
) -> None:
    reply = await agent.handle_message(
        "c-as-lost",
        "cus_1017",
        "I forgot my card in the self-checkout at Lidl yesterday evening. Today in the app I see "
        "two payments in a bookmaker and one at Greggs, this was not me. Please block everything.",
    )

    assert reply.intent == "lost_or_stolen_card"
    assert card_status(bank_of(agent), "card_1017a") == "frozen"
    assert reply.status == "handed_off"


async def test_a_failure_told_after_an_answer_is_its_route_even_read_as_another_answer(
    agent: ResolutionAgent,
) -> None:
    """The top-up card's verification, answered; "it still says verification failed" reads as
    failing an identity check (another help answer), but it is the route just given."""
    await agent.handle_message(
        "c-topup-verify",
        "cus_1013",
        "put my nationwide debit card in as a top up card and the app wants it verified before "
        "itll let me use it, whats the process",
    )

    reply = await agent.handle_message(
        "c-topup-verify",
        "cus_1013",
        "checked the nationwide app 3 times, theres no 4 digit code anywhere and it still says "
        "verification failed. cant do a bank transfer either",
    )

    assert reply.status == "handed_off"
