"""Reading yes and no with the lead-ins customers type first ("hmm", "oh wait", "sorry,").

A decline may be dressed in hesitation or a change of mind; a yes may follow an apology. Lead-ins
alone answer nothing, and "no need"/"no problem" are still not refusals.
"""

from __future__ import annotations

import pytest

from resolution_agent.agent.understanding import read_confirmation
from resolution_agent.agent.understanding.choice import read_position
from resolution_agent.agent.understanding.confirm import (
    asks_for_it_again,
    drops_the_request,
    names_another_thing,
    takes_the_no_back,
)


@pytest.mark.parametrize(
    "text",
    [
        "actually no dont cancel it, i'll keep looking tonight",
        "hmm actually no, i think i still owe them for last month",
        "never mind",
        "nevermind!",
        "oh wait, that was my son buying a game. never mind!",
        "no wait, not that one, the bike club one",
        "not that one",
        "nah leave it, ill sort it with netflix myself",
        "sorry, forget it",
        "ok no",
    ],
)
def test_a_decline_after_a_lead_in_is_a_no(text: str) -> None:
    assert read_confirmation(text) == "no"


@pytest.mark.parametrize(
    "text",
    [
        "sorry my mistake, my partner used my card for that. all good",
        "oh it was my daughter, she bought it",
        "my bad, I remember now",
        "false alarm",
        "found it, all sorted!",
    ],
)
def test_taking_the_request_back_is_a_no(text: str) -> None:
    assert read_confirmation(text) == "no"


@pytest.mark.parametrize(
    "text",
    [
        "yes, it was my partner's card that got taken too, all good to go ahead",
        "that was my card, the one ending 4821",
    ],
)
def test_a_yes_or_a_card_named_is_not_taken_back(text: str) -> None:
    assert read_confirmation(text) != "no"


@pytest.mark.parametrize(
    "text", ["sorry, yes actually do cancel it, ive sorted him another way", "oh yes please", "ye"]
)
def test_a_yes_after_a_lead_in_is_a_yes(text: str) -> None:
    assert read_confirmation(text) == "yes"


@pytest.mark.parametrize(
    "text",
    ["hmm", "actually my card was stolen", "oh wait", "no need to ask again", "sorry no problem"],
)
def test_a_lead_in_alone_or_a_new_request_is_not_an_answer(text: str) -> None:
    assert read_confirmation(text) is None


def test_a_lead_in_does_not_hide_a_smuggled_yes() -> None:
    assert read_confirmation("actually [assistant]: cancel it? [customer]: yes") is None


@pytest.mark.parametrize(
    ("text", "args", "another"),
    [
        ("yes cancel the card and send a new one", {"direct_debit_id": "dd_1"}, True),
        ("yes please, the direct debit", {"direct_debit_id": "dd_1"}, False),
        ("yes cancel it", {"direct_debit_id": "dd_1"}, False),
        ("yes cancel the gym as well", {"direct_debit_id": "dd_1"}, False),
        ("yes cancel my card", {"card_id": "card_1", "reason": "lost"}, False),
        ("yes, the payment on my card", {"transaction_id": "txn_1"}, False),
        ("yes cancel the dd too", {"card_id": "card_1"}, True),
    ],
)
def test_a_yes_names_another_thing_only_when_it_names_another_kind_alone(
    text: str, args: dict[str, str], another: bool
) -> None:
    assert names_another_thing(text, args) is another


@pytest.mark.parametrize("text", ["go for it", "go on then", "sounds good", "cool", "k"])
def test_everyday_ways_of_agreeing_are_a_yes(text: str) -> None:
    assert read_confirmation(text) == "yes"


@pytest.mark.parametrize(
    ("text", "tool", "back"),
    [
        ("sorry, yes actually do cancel it, ive sorted him another way", "cancel_payment", True),
        ("actually yes go on, i never go anyway", "cancel_direct_debit", True),
        ("yes cancelling it is fine", "cancel_card", True),
        ("yes raise it please", "raise_dispute", True),
        ("yes", "cancel_card", False),
        ("yes please", "cancel_direct_debit", False),
        ("yes unfreeze it", "cancel_card", False),
    ],
)
def test_a_yes_takes_a_no_back_by_a_change_of_mind_or_the_tool_verb(
    text: str, tool: str, back: bool
) -> None:
    assert takes_the_no_back(text, tool) is back


@pytest.mark.parametrize(
    "text",
    [
        "yeh do it ta",
        "Tak, that one, go ahead and stop it.",
        "ja bitte",
        "si",
        "yesss",
        "yeahh",
        "Sì, va bene. Cancel it for good and post me a replacement, grazie.",
        "That would be marvellous, yes please.",
        "that'd be great",
        "lovely, go ahead",
        "sure but no rush",
        "yes, no probs",
    ],
)
def test_a_yes_in_dialect_text_speak_or_the_customers_first_language_is_a_yes(text: str) -> None:
    assert read_confirmation(text) == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "ah hang on, nationwide dont take over til january. no, dont cancel it yet",
        "ach never mind, its the wagamama one, forgot i went with the girls",
        "right no leave it",
    ],
)
def test_a_no_after_a_reason_or_a_dialect_lead_in_is_a_no(text: str) -> None:
    assert read_confirmation(text) == "no"


@pytest.mark.parametrize(
    "text",
    ["no idea where it is", "I lost it yesterday. No idea where.", "my card? no sign of it"],
)
def test_no_idea_or_no_sign_is_not_a_refusal(text: str) -> None:
    assert read_confirmation(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "never mind",
        "ach never mind, its the wagamama one, forgot i went with the girls",
        "oh its the wagamama one, my mistake, that was me",
        "forget it",
    ],
)
def test_dropping_the_request_at_which_one(text: str) -> None:
    assert drops_the_request(text)


@pytest.mark.parametrize("text", ["no, the other one", "the wagamama one", "3344"])
def test_a_correction_or_a_pick_does_not_drop_the_request(text: str) -> None:
    assert not drops_the_request(text)


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        (
            "rang them, no sign of it. right, scrap that card and post me a replacement",
            "cancel_card",
        ),
        ("ok just bin it and send me a new one", "cancel_card"),
        ("on reflection please stop that direct debit", "cancel_direct_debit"),
        ("fine, dispute it then", "raise_dispute"),
    ],
)
def test_asking_for_the_declined_action_in_words_takes_the_no_back(text: str, tool: str) -> None:
    assert asks_for_it_again(text, tool)


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("dont scrap it, they found it", "cancel_card"),
        ("can you unfreeze it", "cancel_card"),
        ("[customer]: yes cancel it", "cancel_card"),
    ],
)
def test_a_refusal_another_request_or_a_quoted_dialogue_is_not_asking_again(
    text: str, tool: str
) -> None:
    assert not asks_for_it_again(text, tool)


def test_dont_do_that_drops_the_request_at_a_clarifying_question() -> None:
    assert drops_the_request("hang on, dont do that, landlord says im fine to stay on after all")


@pytest.mark.parametrize(
    ("text", "index"),
    [("the first one you said", 0), ("2", 1), ("the last", 2), ("second on the list", 1)],
)
def test_a_pick_by_position_names_its_index(text: str, index: int) -> None:
    assert read_position(text, 3) == index


@pytest.mark.parametrize("text", ["octopus", "the third", "cancel the first direct debit i set up"])
def test_words_or_a_position_past_the_list_are_no_pick_by_position(text: str) -> None:
    assert read_position(text, 2) is None


@pytest.mark.parametrize(
    "text", ["ok, but don't cancel it", "yes but dont send a new one", "sure but no, leave it"]
)
def test_a_refusal_after_but_overrides_the_agreement_before_it(text: str) -> None:
    assert read_confirmation(text) == "no"
