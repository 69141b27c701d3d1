"""Risk signals: each kind with phrasings customers use, and look-alikes that must not fire."""

from __future__ import annotations

import pytest

from resolution_agent.agent.understanding import detect_signals
from resolution_agent.agent.understanding.requests import asks_in_general
from resolution_agent.agent.understanding.signals import (
    reports_card_gone,
    reports_card_misuse,
    reports_self_service_failed,
    settle_by_signal,
)
from tests.agent.scripted_classifier import predicted


def kinds(text: str) -> set[str]:
    return {signal.kind for signal in detect_signals(text)}


@pytest.mark.parametrize(
    "text",
    [
        "I think I've been scammed, I paid a seller on marketplace and they vanished",
        "someone rang saying they were from the bank, told me to move money to a safe account",
        "a man claiming to be from the police asked me to transfer my savings",
        "there are fraudulent transactions on my account I didn't make",
        "I want to report fraud",
        "I clicked a link in a text about a parcel and now there's money gone",
        "my solicitor emailed new bank details for the house deposit and I paid it",
        "they guaranteed 20% returns a month on crypto and now I can't withdraw",
        "met a guy online on a dating app and he keeps asking me to send money for flights",
        "is this a scam? someone wants me to pay a fee to release my prize",
        "somebody has been using my card in shops in Leeds",
        "they never received it and the email with the bank details was fake",
        "paid the builder from a spoofed invoice",
    ],
)
def test_scam_and_fraud(text: str) -> None:
    assert "scam" in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "how do I report a lost card",
        "can I use my card in the fraud prevention office canteen",
        "what is a safe way to send money abroad",
        "I paid my builder by transfer last week, when will it arrive",
        "my transfer to my savings account has not arrived",
        "I clicked the link in your app to activate my card",
        "I was charged twice",
        "the email said the payment failed",
        "is this email from you real?",
    ],
)
def test_scam_look_alikes_do_not_fire(text: str) -> None:
    assert "scam" not in kinds(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("my dad passed away last month and I need to close his account", "bereavement"),
        ("I lost my mum in October, what do I do with her account", "bereavement"),
        ("I've got the death certificate, what's next", "bereavement"),
        ("I can't afford my rent this month", "financial_difficulty"),
        ("I've just been made redundant and I'm behind on my bills", "financial_difficulty"),
        ("I'm really skint and the bailiffs are calling", "financial_difficulty"),
        ("I've been diagnosed with cancer and I'm in hospital a lot", "vulnerability"),
        ("my mum has dementia and keeps losing her card", "vulnerability"),
        ("my mental health is really bad at the moment", "vulnerability"),
        ("my partner is controlling and takes my card, I don't feel safe", "vulnerability"),
        ("I'm being pressured by my boyfriend to send him money, he's abusive", "vulnerability"),
        ("my son took my card and controls my money", "vulnerability"),
        ("my son has been taking money out of my account without asking", "vulnerability"),
        ("I have a gambling problem, can you block gambling payments", "vulnerability"),
        ("I had a breakdown last month and can't face the post", "vulnerability"),
        ("my husband had a nervous breakdown and I look after the bills", "vulnerability"),
    ],
)
def test_vulnerability_kinds(text: str, kind: str) -> None:
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm dying to know the exchange rate",
        "this app is killing me, where is the top up button",
        "I lost my mum's card, she gave it to me to do her shopping",
        "can I afford to send £500 abroad with the fees",
        "my wife has a card on my account, can she get a new PIN",
        "I'm in hospital car park and the machine took my card",
        "what is the debt collection fee in your tariff",
        "I'm depressing the button and nothing happens",
        "whys AA breakdown taking money off me, never joined",  # a company, not a health crisis
        "how much is the breakdown cover direct debit",
    ],
)
def test_vulnerability_look_alikes_do_not_fire(text: str) -> None:
    found = kinds(text) & {"bereavement", "financial_difficulty", "vulnerability"}
    assert not found, text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I want to make a formal complaint about how I was treated", "complaint"),
        ("I'll complain to the ombudsman if this isn't sorted", "complaint"),
        ("can I speak to a real person please", "human_request"),
        ("put me through to a human", "human_request"),
        ("I don't want a bot", "human_request"),
        ("agent pls", "human_request"),
        ("you're useless", "abuse"),
        ("ur useless, f*** off", "abuse"),
        ("fuck off you stupid bot", "abuse"),
    ],
)
def test_complaint_person_and_abuse(text: str, kind: str) -> None:
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "how do I complain-proof my budget",  # no complaint intent in a compound word
        "can I talk to you about my direct debit",
        "the person at the shop said my card was declined",
        "is the fee useless to avoid if I top up by card",
        "the film was a real humane story",
    ],
)
def test_complaint_person_and_abuse_look_alikes(text: str) -> None:
    assert not kinds(text) & {"complaint", "human_request", "abuse"}, kinds(text)


def test_evidence_is_short_and_from_the_message() -> None:
    [signal] = detect_signals("someone phoned pretending to be from the bank " + "x" * 200)
    assert signal.kind == "scam"
    assert signal.evidence in "someone phoned pretending to be from the bank"
    assert len(signal.evidence) <= 80


@pytest.mark.parametrize(
    "text",
    [
        "I need to send 60,000 to my solicitor by CHAPS today for my house completion",
        "please send 45,000 to Lawson & Reid by CHAPS today",
        "can you do a chaps payment for me",
        "i'd like to make a CHAPS transfer of 250k this afternoon",
    ],
)
def test_a_chaps_payment_to_send_is_for_staff(text: str) -> None:
    assert "staff_only" in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "how do i send a CHAPS payment",  # a question the help centre answers
        "how much is a CHAPS payment with you and does it get there the same day?",
        "does chaps run at weekends",
        "I sent money to my sister by bank transfer",
    ],
)
def test_questions_about_chaps_are_not_for_staff(text: str) -> None:
    assert "staff_only" not in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "can you pay the deposit via chaps this afternoon",
        "please move the money over by chaps, the app won't do it",
        "chaps it over to the conveyancer for me",
        "can you get the 90k over to my conveyancer as chaps today",
    ],
)
def test_a_chaps_payment_asked_for_in_few_words_is_for_staff(text: str) -> None:
    assert "staff_only" in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "I transferred £400 to the wrong account this morning",
        "paid my rent to the wrong payee, it was supposed to go to my landlord",
        "I paid the wrong person yesterday, can you get it back",
        "sent 60 quid yesterday but it was meant for a different sam",
        "got one digit wrong and the money went to someone else's account",
        "I paid 200 to a stranger by mistake, the sort code was off",
        "wrong sort code and my £55 has ended up with a complete stranger",
        "the 65 quid i sent on the 21st for mam's present went to the wrong ciara",
        "i've two ciara o'connors in me payees and i picked the wrong one",
    ],
)
def test_money_sent_to_the_wrong_person_is_recalled_by_staff(text: str) -> None:
    assert "payment_recall" in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "netflix charged me twice by mistake",
        "I sent it by mistake, can I cancel it?",
        "I sent money to my brother, has it arrived",
        "paid the wrong amount at the restaurant",
    ],
)
def test_a_shops_mistake_or_a_plain_transfer_is_no_recall(text: str) -> None:
    assert "payment_recall" not in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "the date of birth on my profile is incorrect",
        "you've got the wrong DOB for me",
        "how do I correct my date of birth",
        "my dob is a year out on the app, can it be changed",
        "the date of birth you have for me needs to be corrected",
    ],
)
def test_a_wrong_date_of_birth_is_for_staff(text: str) -> None:
    assert "staff_only_details" in kinds(text)


def test_a_birthday_mentioned_is_no_detail_to_change() -> None:
    assert "staff_only_details" not in kinds("bought my nephew a birthday present on my card")


@pytest.mark.parametrize(
    "text",
    [
        "my purse was stolen and there's a deliveroo order on it i never placed",
        "lost my card on saturday, now theres a hotel booking I haven't done",
        "they took £200 out at a cash machine with it",
        "card payments in Glasgow and I've never been there",
        "lost my purse and there's a currys order on there i didn't buy",
        "payments at websites ive never heard of since my bag went",
        "my wallet got nicked and 300 quid came out at a cash machine",
        "lost my card at the match and sum1 has used it at a chippy",
        "two deliveroo payments went out last night that weren't me",
        "there's spending in Leeds on it and I'm not even there, I'm in Bristol",
        "dropped my card and ive just had 3 texts about purchases in Asda",
        "got notifs for 3 deliveroo orders n an apple.com thing, none of thats me",
        "got mugged, they made me tell them my pin and took 300 out the cashpoint with my card",
    ],
)
def test_spending_disowned_after_a_loss_is_card_misuse(text: str) -> None:
    assert reports_card_misuse(text)


@pytest.mark.parametrize(
    "text",
    [
        "lost my card, i haven't done anything about it yet",
        "someone took my card out of my bag",
        "i never take my card abroad",
        "lost my card, will i still get texts about payments on the new one?",
        "they took my card and my phone",
        "i took 50 out at the cashpoint before they nicked my bag",
    ],
)
def test_a_loss_without_spending_is_no_misuse(text: str) -> None:
    assert not reports_card_misuse(text)


@pytest.mark.parametrize(
    "text",
    [
        "the conveyancer says it needs to be sent by chaps today",
        "it has to go via chaps, can you help",
    ],
)
def test_a_payment_that_must_go_by_chaps_is_staff_only(text: str) -> None:
    assert "staff_only" in kinds(text)


def test_asking_how_chaps_works_is_no_staff_only_request() -> None:
    assert "staff_only" not in kinds("how long does it take to go by chaps")


def test_asking_what_a_chaps_payment_costs_is_no_staff_only_request() -> None:
    assert "staff_only" not in kinds("if i send the balance by chaps will there be a fee")
    assert "staff_only" in kinds("can you send the balance by chaps, what's the fee")


@pytest.mark.parametrize(
    "text",
    ["I chose the wrong payee and sent Sam's rent to someone else", "paid £40 to the wrong Jess"],
)
def test_money_sent_to_the_wrong_payee_is_a_recall(text: str) -> None:
    assert "payment_recall" in kinds(text)


def test_a_card_posted_to_the_wrong_address_is_no_recall() -> None:
    assert "payment_recall" not in kinds("they sent my card to the wrong address")


@pytest.mark.parametrize(
    "text",
    [
        "the app won't accept the photo, it's too blurry apparently",
        "it keeps rejecting my passport picture",
        "the code is sent to my old mobile and I lost that sim",
        "it just says there's a problem every time I press submit",
        "the button is greyed out",
        "theres no button to change it on my profile",
    ],
)
def test_a_route_that_refuses_the_customer_has_failed(text: str) -> None:
    assert reports_self_service_failed(text)


@pytest.mark.parametrize(
    "text", ["the cash machine won't accept my card", "the shop keeps refusing my card"]
)
def test_a_card_refused_at_a_till_is_no_failed_route(text: str) -> None:
    assert not reports_self_service_failed(text)


@pytest.mark.parametrize(
    "text",
    [
        # CHAPS named in one sentence, the request to act in another
        "it has to be a CHAPS transfer. Please could you set that up from my current account?",
        "the solicitor wants it by chaps, can you arrange it for me",
    ],
)
def test_a_chaps_payment_named_apart_from_the_request_is_staff_only(text: str) -> None:
    assert "staff_only" in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "how long does a chaps payment take, can you tell me?",
        "can you tell me if there is a fee for chaps",
        "please explain how chaps works",
    ],
)
def test_asking_us_to_explain_chaps_is_no_staff_only_request(text: str) -> None:
    assert "staff_only" not in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "the details I had saved for her were actually my old landlady's account",
        "turns out the account number I paid belonged to someone else",
        "the payee was the wrong Sarah, I sent her £80",
    ],
)
def test_saved_details_that_were_someone_elses_are_a_recall(text: str) -> None:
    assert "payment_recall" in kinds(text)


@pytest.mark.parametrize(
    "text", ["the account number was for my old flat", "i sent money from my old account"]
)
def test_an_old_account_of_ones_own_is_no_recall(text: str) -> None:
    assert "payment_recall" not in kinds(text)


FAKE_EMAIL = "they never received it and the email with the bank details was fake"


def test_a_signal_settles_a_near_tie_in_favour_of_the_intent_it_names() -> None:
    tied = predicted("transfer_not_received_by_recipient", 0.5, ("scam_report", 0.49))

    settled = settle_by_signal(tied, detect_signals(FAKE_EMAIL))

    assert settled.intent == "scam_report"
    assert [a.intent for a in settled.alternatives] == ["transfer_not_received_by_recipient"]


def test_a_signal_leaves_a_surer_reading_and_a_message_without_one_alone() -> None:
    surer = predicted("transfer_not_received_by_recipient", 0.7, ("scam_report", 0.25))
    tied = predicted("transfer_not_received_by_recipient", 0.5, ("scam_report", 0.49))

    assert settle_by_signal(surer, detect_signals(FAKE_EMAIL)) == surer
    assert settle_by_signal(tied, detect_signals("my transfer never arrived")) == tied


@pytest.mark.parametrize(
    "text",
    [
        "someone had me purse out me bag on the Metro this mornin",
        "somebody's lifted my wallet at the match",
        "some1 dipped my pocket on the tube",
        "a thief took me card at the bar",
    ],
)
def test_a_card_taken_by_someone_is_gone(text: str) -> None:
    assert reports_card_gone(text)


@pytest.mark.parametrize(
    "text",
    [
        "someone had a look at my card for me",
        "i had my purse out to pay",
        "they had my card details wrong on the form",
    ],
)
def test_having_or_holding_a_card_is_no_loss(text: str) -> None:
    assert not reports_card_gone(text)


@pytest.mark.parametrize(
    "text",
    [
        "a guy off instagram got me to put 900 into crypto, says i'll double it in a month",
        "they said i'd triple my money within two weeks",
        "the advert promised guaranteed returns on bitcoin",
    ],
)
def test_a_promise_of_doubled_money_is_an_investment_scam(text: str) -> None:
    assert "scam" in {s.kind for s in detect_signals(text)}


@pytest.mark.parametrize(
    "text",
    ["can i double my money in a savings account", "i'll double check the payment in a day"],
)
def test_doubling_without_a_promise_is_no_scam(text: str) -> None:
    assert "scam" not in {s.kind for s in detect_signals(text)}


def test_a_signal_settles_the_classifiers_runner_up_whatever_the_gap() -> None:
    # the conveyancing scam read 0.60 / 0.40 after one retrain: the classifier's own second
    # reading, which the scam words name
    runner_up = predicted("transfer_not_received_by_recipient", 0.6, ("scam_report", 0.4))
    third = predicted(
        "transfer_not_received_by_recipient", 0.55, ("pending_transfer", 0.12), ("scam_report", 0.1)
    )

    assert settle_by_signal(runner_up, detect_signals(FAKE_EMAIL)).intent == "scam_report"
    assert settle_by_signal(third, detect_signals(FAKE_EMAIL)) == third


def test_a_chaps_payment_named_earlier_and_now_asked_of_us_is_for_staff() -> None:
    earlier = "How do I send a CHAPS payment from the app? The letting agent wants £9,600 today."
    follow_up = "I'm literally in the app chat now, can you just send it for me?"

    assert "staff_only" in {s.kind for s in detect_signals(follow_up, earlier)}
    assert "staff_only" not in kinds(follow_up)
    # asking about it, still, asks nobody to send it
    assert "staff_only" not in {
        s.kind for s in detect_signals("how long does it take to arrive?", earlier)
    }


@pytest.mark.parametrize(
    "text",
    [
        "I sent £40 on the 16th to Ben Okoro but it turns out that's an old payee, "
        "a lad I used to work with. Can you get it back?",
        "paid £120 to Sam Hill but it's not the Sam who fixed my boiler, can you get it back",
    ],
)
def test_a_saved_payee_of_the_same_name_is_recalled_by_staff(text: str) -> None:
    assert "payment_recall" in kinds(text)


def test_a_payee_who_is_who_was_meant_is_no_recall() -> None:
    assert "payment_recall" not in kinds("I sent £40 to Ben, is that the Ben who lives next door?")


@pytest.mark.parametrize(
    "text",
    [
        "the upload stays at 0% and then says upload failed",
        "I tried five times, also from the laptop",
        "the app says verification failed every time",
    ],
)
def test_an_upload_or_a_try_that_keeps_failing_is_a_failed_route(text: str) -> None:
    assert reports_self_service_failed(text)


@pytest.mark.parametrize(
    "text",
    [
        "if a company ever takes the wrong amount by direct debit, how do I claim it back?",
        "what happens if my card is stolen abroad?",
        "in future how do i stop a payment before it goes?",
    ],
)
def test_a_question_of_how_it_works_asks_in_general(text: str) -> None:
    assert asks_in_general(text)


@pytest.mark.parametrize(
    "text",
    [
        # something that happened, asked about with "ever"
        "did u ever sort out nandos taking me twice on the 7th?",
        "did my 20 quid to leila for the cinema ever actually go?",
        # asks us to act
        "if a company ever takes too much can you get it back for me?",
        "the gym took the wrong amount, how do i claim it back?",
    ],
)
def test_a_problem_of_the_customers_own_is_not_asked_in_general(text: str) -> None:
    assert not asks_in_general(text)
