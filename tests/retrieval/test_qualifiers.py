"""Qualifier detection: the words that narrow a help question to one fact."""

from __future__ import annotations

import pytest

from resolution_agent.agent.retrieval.qualifiers import BY_NAME, QUALIFIERS, detect, weight


def names(*question: str) -> list[str]:
    return [q.name for q in detect(*question)]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how long does a transfer take at the weekend?", ["how_long", "weekend"]),
        ("is there a fee to use my card abroad?", ["fee", "abroad"]),
        ("what's the most I can take out at a cash machine?", ["most", "cash_machine"]),
        ("whats the minimun i can top up by card", ["least"]),
        ("is it free to pay cash in at the post office or do u charge", ["fee", "post_office"]),
        ("how much cash can i withdraw in one day", ["most", "per_period", "cash_machine"]),
        ("if i send money on a bank holiday will it arrive", ["how_long", "weekend"]),
        ("do you charge for paying on my card in the states?", ["fee", "abroad", "card_payment"]),
        ("when does my free allowance reset?", ["fee", "reset"]),
        ("how old do I need to be to open an account", ["age"]),
        ("send money on a sunday, will it go through or wait till monday", ["how_long", "weekend"]),
        ("am i too late to dispute a payment from the spring", ["deadline"]),
        ("is there a daily cap on what my card can pay", ["most", "per_period", "card_payment"]),
        ("how many working days till the cheque clears", ["how_long", "weekday"]),
        ("how do i get one of them disposable cards?", ["steps"]),
        ("whats the way to stick my card in apple wallet", ["steps"]),
        ("me card's cracked, how do I get a new one sent out", ["steps", "damaged"]),
        ("can i still pay it in on the app or is it too old now", ["app", "too_old"]),
        (
            "if i send me brother 30 quid at 2am on christmas day will it get to him",
            ["how_long", "weekend", "night"],
        ),
        ("how do i find my sort code n acc number??", ["steps"]),
        ("can i get one of them virtual cards to use til it turns up", ["steps"]),
        ("hw do i get a virtual card? wanna buy gig tix online 2nite", ["steps"]),
        ("need 600 in notes for a van, can i withdraw all of it today", ["most", "cash_machine"]),
        ("if a company takes the wrong amount how do I claim it back", ["steps"]),
        ("how do i give my mate in spain my details so he can pay me back", ["steps", "abroad"]),
        (
            "i keep €8,000 in a euro balance. is that money protected the same as my pounds?",
            ["protected", "abroad"],
        ),
        ("it wouldn't give me £400, then I tried £100 and it worked", ["smaller_amount"]),
        (
            "if i keep it as euros, is it protected the same as pounds if yous went bust?",
            ["protected"],
        ),
        (
            "showing as pending at £87.12. Is that what I'll actually pay or can it still change?",
            ["final_amount"],
        ),
        (
            "the link machine says ive got about 70 quid more than the app does?? which one",
            ["mismatch", "cash_machine"],
        ),
    ],
)
def test_a_question_names_the_fact_it_asks_for_and_where_it_applies(
    question: str, expected: list[str]
) -> None:
    assert names(question) == expected


@pytest.mark.parametrize(
    "question",
    [
        "my card was declined",
        "how do I freeze my card in the app",  # a channel alone narrows nothing
        "how do I get to the post office",  # directions, not the app's steps
        "my card is cracked",  # damage alone narrows nothing
        "I paid by card and it's still pending",
        "",
    ],
)
def test_a_plain_question_carries_no_qualifier(question: str) -> None:
    assert detect(question) == ()


def test_how_much_asks_for_a_limit_with_can_and_for_a_fee_otherwise() -> None:
    assert names("how much can I send") == ["most"]
    assert names("how much does it cost") == ["fee"]


def test_a_bank_holiday_is_not_a_holiday_abroad() -> None:
    assert "abroad" not in names("does a transfer go through on a bank holiday")
    assert "abroad" in names("can I use my card on holiday")


def test_how_often_asks_for_a_count_in_a_period() -> None:
    assert "how_often" in names("will it keep topping up all day or just the once?")
    assert "how_often" in names("how often can i change my pin")
    assert "how_often" not in names("how do i top up once i get my card")


def test_a_payment_in_another_currency_or_to_a_foreign_city_is_abroad() -> None:
    assert "abroad" in names("how long does a transfer in złoty take to reach Kraków")
    assert "abroad" in names("i paid in koruna at the restaurant")
    assert "abroad" in names("sending money to my sister in Lagos")
    assert "abroad" in names("could you post it to my flat in Milan? how long would it take")


def test_a_uk_only_rule_states_the_abroad_setting() -> None:
    abroad = BY_NAME["abroad"]
    assert abroad.in_sentence("We can only send cards to addresses in the UK.")
    assert not abroad.in_sentence("We post every card free of charge to your home in the UK.")


def test_a_limit_said_not_to_apply_states_the_most() -> None:
    most = BY_NAME["most"]
    assert most.in_sentence("Mobile payments aren't limited to £100 in the same way.")
    assert not most.in_sentence("You confirm the payment with Face ID or your fingerprint.")
    # "at most" states a limit only of an amount: "at most UK cash machines" is where
    assert most.in_sentence("You can take out at most £500 a day.")
    assert not most.in_sentence("At most UK cash machines, you can check your balance.")


def test_swapping_pounds_into_another_currency_in_the_app_is_not_abroad() -> None:
    assert "abroad" not in names("gonna swap 300 quid into dollars on saturday")
    assert "abroad" not in names("want to swap pounds to zloty before friday")


def test_the_question_is_read_as_written_and_with_typos_repaired() -> None:
    # Repair may turn a place it does not know into a word it does; the written form keeps it.
    assert "abroad" in names("any fee for paying on my card in the states?", "any fee rates")
    assert "cash_machine" in names("how much can i withdrw", "how much can i withdraw")


def test_an_ask_weighs_twice_a_narrowing_word() -> None:
    assert weight(("fee", "abroad")) == 3
    assert weight(("unknown",)) == 0


def test_every_qualifier_is_declared_once_with_words_it_states() -> None:
    assert len(BY_NAME) == len(QUALIFIERS)
    examples = {
        "fee": "Cash withdrawals abroad are free up to £200 a month.",
        "most": "You can take out up to £500 a day in cash.",
        "least": "The smallest card top-up is £10.",
        "how_often": "To avoid repeated top-ups, we'll only make one automatic top-up a day.",
        "age": "You need to be 18 or over to open a Kestrel account.",
        "how_long": "It should arrive within 3 to 5 working days.",
        "deadline": "There are time limits, so raise a dispute as soon as you can.",
        "reset": "Your free allowance resets on the first day of each calendar month.",
        "abroad": "Kestrel doesn't add a markup to card payments abroad.",
        "weekend": "Faster Payments work every day, including weekends and bank holidays.",
        "weekday": "Exchange money on a weekday before you travel.",
        "per_period": "You can send up to £25,000 a day.",
        "app": "Open the Kestrel app and tap Card.",
        "steps": "Open the Kestrel app, tap Card, then Add a card, then Disposable card.",
        "damaged": "If your physical card is lost, stolen or damaged, order a replacement.",
        "too_old": "A cheque is out of date when it is more than 6 months old.",
        "cash_machine": "Use cash machines inside banks where you can.",
        "post_office": "Pay cash in at any Post Office counter.",
        "contactless": "The contactless limit is £100 per payment.",
        "card_payment": "The weekend markup doesn't apply to card payments.",
        "branch": "We don't have branches.",
        "night": "Faster Payments work 24 hours a day, every day.",
        "smaller_amount": "If it is declined for a larger amount, try a smaller amount.",
        "protected": "Eligible deposits are protected by the FSCS.",
        "final_amount": "The amount shown while it is pending is an estimate.",
        "mismatch": "Your balance on the cash machine may not include pending payments.",
    }
    assert set(examples) == set(BY_NAME)
    for name, sentence in examples.items():
        assert BY_NAME[name].in_sentence(sentence), name


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        ("fee", "Some shops add their own fee for paying by card."),  # no amount: not the fact
        ("most", "Check that your app is up to date."),
        ("how_long", "How long card delivery takes depends on the post."),
    ],
)
def test_a_topic_word_alone_does_not_state_the_fact(name: str, sentence: str) -> None:
    assert not BY_NAME[name].in_sentence(sentence)
