"""Dialogue acts in context: a decline to the agent's own question is acknowledged and closed.

"Actually no", "never mind" and "not that one" answer the question the agent asked; they must
never be read as a new request (which drifted to an unrelated payment) nor as thanks. The bank
and the replies are checked, not the agent's account of itself.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.retrieval.lexical import LexicalRetriever
from tests.agent.conftest import OpenAgent, bank_of, card_status
from tests.agent.scripted_classifier import TableClassifier, agent_with, predicted


@pytest.mark.parametrize(
    "answer",
    ["actually no dont cancel it, i'll keep looking tonight", "hmm no", "never mind"],
)
async def test_declining_to_cancel_a_frozen_lost_card_keeps_it_frozen_and_closes(
    agent: ResolutionAgent, answer: str
) -> None:
    await agent.handle_message("c-lost", "cus_1001", "think ive lost my card, cant find it")

    reply = await agent.handle_message("c-lost", "cus_1001", answer)

    bank = bank_of(agent)
    assert reply.status == "resolved"
    assert "stays frozen" in reply.text
    assert card_status(bank, "card_1001a") == "frozen"
    assert bank.calls["cancel_card"] == 0
    assert bank.calls["cancel_payment"] == 0


async def test_never_mind_to_a_cancel_question_changes_nothing_and_is_not_thanks(
    agent: ResolutionAgent,
) -> None:
    await agent.handle_message("c-nm", "cus_1020", "cancel my scheduled payment")

    reply = await agent.handle_message("c-nm", "cus_1020", "never mind")

    assert reply.status == "resolved"
    assert "haven't changed anything" in reply.text
    assert "welcome" not in reply.text.lower()
    assert bank_of(agent).state.payments["pay_1020_02"].status == "scheduled"


async def test_not_that_one_moves_to_the_payment_the_customer_names_next(
    open_agent: OpenAgent,
) -> None:
    async with open_agent() as agent:
        bank = bank_of(agent)
        bank.state.payments["pay_1016_03"] = bank.state.payments["pay_1016_02"].model_copy(
            update={"id": "pay_1016_03", "payee_name": "Cardiff Bike Club", "amount": 3000}
        )
        await agent.handle_message("c-not", "cus_1016", "cancel my payment to taff flats")
        asked = await agent.handle_message(
            "c-not", "cus_1016", "no wait, not that one, the bike club one"
        )
        done = await agent.handle_message("c-not", "cus_1016", "yes")

    assert "Cardiff Bike Club" in asked.text
    assert [(a.tool, a.args) for a in done.actions] == [
        ("cancel_payment", {"payment_id": "pay_1016_03"})
    ]
    payments = bank.state.payments
    assert payments["pay_1016_03"].status == "cancelled"
    assert payments["pay_1016_02"].status == "scheduled"


async def test_not_that_direct_debit_cancels_the_other_one_after_yes(
    agent: ResolutionAgent,
) -> None:
    await agent.handle_message("c-dd", "cus_1001", "i want to cancel a direct debit")
    await agent.handle_message("c-dd", "cus_1001", "the gym one")
    asked = await agent.handle_message(
        "c-dd", "cus_1001", "no sorry not that one, i meant the energy one"
    )
    done = await agent.handle_message("c-dd", "cus_1001", "yes")

    debits = bank_of(agent).state.direct_debits
    assert "Octopus Energy" in asked.text
    assert debits["dd_1001_01"].status == "cancelled"
    assert debits["dd_1001_03"].status == "active"
    assert done.status == "resolved"


async def test_a_yes_naming_a_card_never_confirms_a_direct_debit_question(
    agent: ResolutionAgent,
) -> None:
    asked = await agent.handle_message("c-other", "cus_1001", "cancel my fitlife gym direct debit")
    await agent.handle_message("c-other", "cus_1001", "yes cancel the card and send a new one")

    assert "FITLIFE" in asked.text and "yes or no" in asked.text
    assert bank_of(agent).state.direct_debits["dd_1001_03"].status == "active"
    assert bank_of(agent).calls["cancel_direct_debit"] == 0


async def test_a_yes_naming_the_asked_kind_or_nothing_still_confirms_it(
    agent: ResolutionAgent,
) -> None:
    await agent.handle_message("c-same", "cus_1001", "cancel my fitlife gym direct debit")
    await agent.handle_message("c-same", "cus_1001", "yes cancel the direct debit")

    assert bank_of(agent).state.direct_debits["dd_1001_03"].status == "cancelled"


async def test_a_direct_debit_request_names_no_merchant_called_direct(
    agent: ResolutionAgent,
) -> None:
    # cus_1014 pays Virgin Media and Direct Line: "direct debit" must not name Direct Line.
    asked = await agent.handle_message("c-vm", "cus_1014", "cancel my virgin media direct debit")
    kept = await agent.handle_message(
        "c-vm", "cus_1014", "hmm actually no, i think i still owe them for last month"
    )

    assert "Virgin Media" in asked.text and "Direct Line" not in asked.text
    assert kept.status == "resolved"
    assert "stays active" in kept.text
    assert bank_of(agent).state.direct_debits["dd_1014_01"].status == "active"


async def test_a_greeting_alone_is_recorded_as_the_greeting_intent(
    agent: ResolutionAgent,
) -> None:
    await agent.handle_message("c-hi", "cus_1001", "good morning :)")
    await agent.handle_message("c-hi", "cus_1001", "netflix charged me twice")

    conversation = await agent.get_conversation("c-hi")
    assert conversation.first_intent == "greeting"


async def test_naming_the_card_asked_about_asks_again_and_a_later_no_keeps_it_frozen(
    agent: ResolutionAgent,
) -> None:
    await agent.handle_message(
        "c-9607", "cus_1012", "i think my card details have been stolen online"
    )

    again = await agent.handle_message("c-9607", "cus_1012", "the physical one, 9607")
    kept = await agent.handle_message("c-9607", "cus_1012", "no dont replace it yet")

    bank = bank_of(agent)
    assert again.status == "awaiting_customer", again.text
    assert "cancel the card ending 9607" in again.text
    assert kept.status == "resolved"
    assert "stays frozen" in kept.text
    assert card_status(bank, "card_1012a") == "frozen"
    assert bank.calls["cancel_card"] == 0


async def test_yes_straight_after_no_takes_up_the_declined_question_again(
    agent: ResolutionAgent,
) -> None:
    await agent.handle_message("c-mind", "cus_1020", "cancel the rent payment to highland homes")
    declined = await agent.handle_message("c-mind", "cus_1020", "no wait")
    assert "haven't changed anything" in declined.text

    reply = await agent.handle_message(
        "c-mind", "cus_1020", "sorry, yes actually do cancel it, ive sorted him another way"
    )

    bank = bank_of(agent)
    assert reply.status == "resolved"
    assert bank.state.payments["pay_1020_02"].status == "cancelled"
    assert bank.calls["cancel_payment"] == 1
    assert "Do you want me to cancel" not in reply.text  # not asked a second time


async def test_a_yes_two_turns_after_the_no_is_not_an_answer_to_it(
    agent: ResolutionAgent,
) -> None:
    await agent.handle_message("c-late", "cus_1020", "cancel the rent payment to highland homes")
    await agent.handle_message("c-late", "cus_1020", "no wait")
    await agent.handle_message("c-late", "cus_1020", "what's the exchange rate for euros")

    await agent.handle_message("c-late", "cus_1020", "yes")

    bank = bank_of(agent)
    assert bank.state.payments["pay_1020_02"].status == "scheduled"
    assert bank.calls["cancel_payment"] == 0


async def test_a_bare_yes_after_the_no_asks_again_and_never_runs_the_declined_action(
    agent: ResolutionAgent,
) -> None:
    # The reply to the no closed the question and ended on something else ("ask me here"): a
    # bare yes may answer that, so cancelling for good, which cannot be undone, is asked again.
    await agent.handle_message("c-bare", "cus_1001", "i think my card's been lost, freeze it")
    declined = await agent.handle_message("c-bare", "cus_1001", "no")
    assert "stays frozen" in declined.text

    asked = await agent.handle_message("c-bare", "cus_1001", "yes")

    bank = bank_of(agent)
    assert bank.calls["cancel_card"] == 0
    assert card_status(bank, "card_1001a") == "frozen"
    assert asked.status == "awaiting_customer"
    assert "cancel" in asked.text and "yes or no" in asked.text

    done = await agent.handle_message("c-bare", "cus_1001", "yes")

    assert bank.calls["cancel_card"] == 1
    assert card_status(bank, "card_1001a") == "cancelled"
    assert done.status == "resolved"


async def test_a_no_that_asks_for_something_else_turns_down_the_question_and_does_that(
    agent: ResolutionAgent,
) -> None:
    # "My mistake" is a no to cancelling; the rest asks for the card back, which is done.
    await agent.handle_message("c-back", "cus_1001", "lost my card i think, freeze it")

    offered = await agent.handle_message(
        "c-back", "cus_1001", "my mistake, it was in the car all along. can you unfreeze it?"
    )
    done = await agent.handle_message("c-back", "cus_1001", "yes")

    bank = bank_of(agent)
    assert "Do you want me to unfreeze your card ending 4821" in offered.text
    assert bank.calls["cancel_card"] == 0
    assert card_status(bank, "card_1001a") == "active"
    assert "unfrozen" in done.text


@pytest.mark.parametrize(
    "answer",
    [
        "never mind",
        "ach never mind, its the wagamama one, forgot i went with the girls",
        "oh its the wagamama one, my mistake, that was me",
    ],
)
async def test_never_mind_to_which_payment_drops_the_request_and_raises_nothing(
    agent: ResolutionAgent, answer: str
) -> None:
    asked = await agent.handle_message("c-which", "cus_1015", "some payment ive no clue about")
    assert asked.status == "awaiting_customer"
    assert "Wagamama" in asked.text

    reply = await agent.handle_message("c-which", "cus_1015", answer)

    assert reply.status == "resolved"
    assert "haven't changed anything" in reply.text
    assert bank_of(agent).calls["raise_dispute"] == 0


async def test_asking_in_words_for_the_declined_cancel_takes_the_no_back(
    agent: ResolutionAgent,
) -> None:
    await agent.handle_message(
        "c-scrap", "cus_1016", "pretty sure i left my card at the bowling last night, freeze it"
    )
    await agent.handle_message("c-scrap", "cus_1016", "nah not yet, gonna ring them at 12")
    assert card_status(bank_of(agent), "card_1016a") == "frozen"

    reply = await agent.handle_message(
        "c-scrap",
        "cus_1016",
        "rang them, no sign of it. right, scrap that card and post me a new one",
    )

    assert card_status(bank_of(agent), "card_1016a") == "cancelled"
    assert bank_of(agent).calls["cancel_card"] == 1
    assert "cancelled" in reply.text


async def test_refusing_the_declined_action_again_never_runs_it(agent: ResolutionAgent) -> None:
    await agent.handle_message(
        "c-keep", "cus_1016", "pretty sure i left my card at the bowling last night, freeze it"
    )
    await agent.handle_message("c-keep", "cus_1016", "nah not yet, gonna ring them at 12")

    await agent.handle_message("c-keep", "cus_1016", "they have it! dont cancel it, unfreeze it")

    assert bank_of(agent).calls["cancel_card"] == 0


async def test_dont_do_that_to_a_clarifying_question_does_nothing_and_closes(
    make_settings: Callable[..., Settings], retriever: LexicalRetriever
) -> None:
    asked = "I'd like the £600 to Highland Homes on the 1st cancelled please"
    dropped = "hang on, dont do that, landlord says im fine to stay on after all"
    table = {
        asked: predicted("cancel_transfer", 0.45, ("direct_debit_payment_not_recognised", 0.35)),
        dropped: predicted("cancel_transfer", 0.6),
    }
    async with agent_with(TableClassifier(table), make_settings, retriever) as agent:
        first = await agent.handle_message("c-clarify-drop", "cus_1020", asked)
        reply = await agent.handle_message("c-clarify-drop", "cus_1020", dropped)
        bank = bank_of(agent)

    assert first.status == "awaiting_customer"
    assert reply.status == "resolved"
    assert "haven't changed anything" in reply.text
    assert bank.calls["cancel_payment"] == 0


async def test_a_direct_debit_picked_by_its_place_in_the_list_is_the_one_asked_about(
    agent: ResolutionAgent,
) -> None:
    listed = await agent.handle_message(
        "c-first-dd", "cus_1011", "can you show me what direct debits i have? want to cut one"
    )
    assert listed.text.index("Octopus Energy") < listed.text.index("Southwark Council")

    asked = await agent.handle_message("c-first-dd", "cus_1011", "the first one you said")
    assert "Octopus Energy" in asked.text and "yes or no" in asked.text

    done = await agent.handle_message("c-first-dd", "cus_1011", "yup, bin it")
    assert "cancelled your direct debit to Octopus Energy" in done.text
    assert bank_of(agent).calls["cancel_direct_debit"] == 1
