"""Finding the requests in one message: cut at joining words and sentence ends, keep a clause as
its own request only when it is confidently a different problem.

The classifier is a fake answering by text (and counting its calls), so what each clause
means is pinned and the tests check the cutting and the grouping.
"""

from __future__ import annotations

from collections.abc import Mapping

from resolution_agent.agent.policies import load_policies
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.agent.state import IntentPrediction, IntentScore
from resolution_agent.agent.understanding.requests import MOST_CLAUSES, clauses, find_requests

POLICIES = load_policies(PROJECT_ROOT / "policies")


def _said(intent: str, confidence: float = 0.95) -> IntentPrediction:
    return IntentPrediction(
        intent=intent,
        confidence=confidence,
        alternatives=[IntentScore(intent="out_of_scope", score=0.02)],
        source="test",
    )


class Batched:
    """Answers by text, all texts of a call together, and counts the calls."""

    def __init__(self, answers: Mapping[str, IntentPrediction]) -> None:
        self._answers = dict(answers)
        self.calls: list[list[str]] = []

    async def classify(self, text: str) -> IntentPrediction:
        return self.classify_many([text])[0]

    def classify_many(self, texts: list[str]) -> list[IntentPrediction]:
        self.calls.append(texts)
        return [self._answers.get(t, _said("out_of_scope", 0.2)) for t in texts]


async def test_freeze_and_a_late_card_are_two_requests_in_the_order_asked() -> None:
    classifier = Batched(
        {
            "freeze my card": _said("lost_or_stolen_card"),
            "when does my new one arrive?": _said("card_arrival"),
        }
    )
    found = await find_requests(
        "freeze my card, and when does my new one arrive?", classifier, POLICIES
    )

    assert [(r.prediction.intent, r.text) for r in found] == [
        ("lost_or_stolen_card", "freeze my card"),
        ("card_arrival", "when does my new one arrive?"),
    ]
    assert classifier.calls == [["freeze my card", "when does my new one arrive?"]]  # one batch


async def test_a_second_clause_about_the_same_problem_is_not_a_second_request() -> None:
    classifier = Batched(
        {
            "I've lost my card": _said("lost_or_stolen_card"),
            "someone might have nicked my wallet too": _said("compromised_card"),
        }
    )
    text = "I've lost my card and someone might have nicked my wallet too"

    assert await find_requests(text, classifier, POLICIES) == []  # one procedure: one request


async def test_a_declined_and_a_pending_payment_are_two_requests_of_one_procedure() -> None:
    classifier = Batched(
        {
            "why did my bet365 payment get declined": _said("declined_card_payment"),
            "why is primark still pending?": _said("pending_card_payment"),
        }
    )
    text = "why did my bet365 payment get declined, and why is primark still pending?"

    found = await find_requests(text, classifier, POLICIES)

    # Each its own record: the procedure reads only its request's clause.
    assert [(r.text, r.prediction.intent) for r in found] == [
        ("why did my bet365 payment get declined", "declined_card_payment"),
        ("why is primark still pending?", "pending_card_payment"),
    ]


async def test_an_unsure_second_clause_stays_with_the_first_request() -> None:
    classifier = Batched(
        {
            "cancel my gym direct debit": _said("direct_debit_payment_not_recognised"),
            "i moved house last month": _said("edit_personal_details", confidence=0.45),
        }
    )
    text = "cancel my gym direct debit and i moved house last month"

    assert await find_requests(text, classifier, POLICIES) == []


async def test_a_barely_sure_second_clause_is_more_of_the_first() -> None:
    classifier = Batched(
        {
            "forgot my passcode for the app": _said("passcode_forgotten"),
            "now im locked out, help": _said("pin_blocked", 0.52),
        }
    )
    text = "forgot my passcode for the app and now im locked out, help"

    assert await find_requests(text, classifier, POLICIES) == []


async def test_a_fairly_sure_question_of_its_own_is_a_second_request() -> None:
    classifier = Batched(
        {
            "my pin is blocked": _said("pin_blocked"),
            "how much cash can i take out in a day?": _said("atm_support", 0.58),
        }
    )
    text = "my pin is blocked, and while ur at it how much cash can i take out in a day?"

    found = await find_requests(text, classifier, POLICIES)

    assert [r.prediction.intent for r in found] == ["pin_blocked", "atm_support"]


async def test_a_yes_no_question_of_its_own_is_a_second_request() -> None:
    classifier = Batched(
        {
            "my pin is blocked, can u fix it?": _said("pin_blocked"),
            "is there a daily cap on cash withdrawals": _said("atm_support", 0.58),
        }
    )
    text = "my pin is blocked, can u fix it? also is there a daily cap on cash withdrawals"

    found = await find_requests(text, classifier, POLICIES, _said("pin_blocked", 0.99))

    assert [r.prediction.intent for r in found] == ["pin_blocked", "atm_support"]


async def test_a_barely_sure_opening_clause_is_part_of_a_message_surely_about_one_problem() -> None:
    classifier = Batched(
        {
            "tried paying for my big shop at waitrose": _said("card_payment_not_recognised", 0.51),
            "the card just got rejected?? 112 quid": _said("declined_card_payment", 0.89),
        }
    )
    text = "tried paying for my big shop at waitrose and the card just got rejected?? 112 quid"
    whole = _said("declined_card_payment", 0.98)

    assert await find_requests(text, classifier, POLICIES, whole) == []
    # read whole as unsure, the two clauses stay two requests
    unsure = _said("declined_card_payment", 0.6)
    assert len(await find_requests(text, classifier, POLICIES, unsure)) == 2


async def test_thanks_before_one_request_is_left_out_of_it() -> None:
    classifier = Batched(
        {
            "thx for the help earlier.": _said("thanks_goodbye"),
            "my payment to quick crypto invest didnt go, why?": _said("failed_transfer", 0.74),
        }
    )
    text = "thx for the help earlier. also my payment to quick crypto invest didnt go, why?"

    found = await find_requests(text, classifier, POLICIES)

    assert [(r.prediction.intent, r.text) for r in found] == [
        ("failed_transfer", "my payment to quick crypto invest didnt go, why?")
    ]


async def test_one_request_with_an_unsure_clause_is_not_cut() -> None:
    classifier = Batched(
        {
            "hiya.": _said("greeting", 0.4),  # not surely a greeting: the message stays whole
            "my payment to quick crypto invest didnt go, why?": _said("failed_transfer", 0.74),
        }
    )
    text = "hiya. my payment to quick crypto invest didnt go, why?"

    assert await find_requests(text, classifier, POLICIES) == []


async def test_a_clause_pointing_back_at_the_first_is_kept_with_it() -> None:
    assert clauses("found my card behind the sofa!! can i use it again now") == [
        "found my card behind the sofa!! can i use it again now"
    ]
    assert clauses("my card was stolen. it keeps getting used at tesco") == [
        "my card was stolen. it keeps getting used at tesco"
    ]
    # ... unless it is a question of its own
    assert clauses("wheres my new card? and how do i put it on apple pay once it comes") == [
        "wheres my new card?",
        "how do i put it on apple pay once it comes",
    ]
    # ... but a question that names nothing besides its verb asks about what came before
    assert clauses(
        "got a msg saying u need proof of where the money from my car came from. how do i send it"
    ) == [
        "got a msg saying u need proof of where the money from my car came from. how do i send it"
    ]
    # "can i ..." opens a question of its own, whatever "it" it holds
    assert clauses(
        "why did my spotify payment get declined? and can i change my pin at any cashpoint or "
        "does it have to be a particular one"
    ) == [
        "why did my spotify payment get declined?",
        "can i change my pin at any cashpoint or does it have to be a particular one",
    ]
    assert clauses(
        "where's it got to? and can i get one of them virtual cards to use til it turns up"
    ) == ["where's it got to?", "can i get one of them virtual cards to use til it turns up"]
    assert clauses("my cards were frozen. can i use them again now") == [
        "my cards were frozen. can i use them again now"
    ]
    # a question after a condition is still its own, whatever "it" it holds
    assert clauses(
        "Is my Deliveroo order from last night still pending? And if a company ever takes the "
        "wrong amount by direct debit, how do I claim it back under the guarantee?"
    ) == [
        "Is my Deliveroo order from last night still pending?",
        "if a company ever takes the wrong amount by direct debit, how do I claim it back under "
        "the guarantee?",
    ]
    # an idiom's "it" ("while you're at it") points at nothing
    assert clauses("block my card please. and cancel the sky dd while ur at it") == [
        "block my card please.",
        "cancel the sky dd while ur at it",
    ]


async def test_a_message_without_a_joining_word_is_never_classified_again() -> None:
    classifier = Batched({})
    text = "I've lost my card, I think I left it on the number 38 bus"

    assert await find_requests(text, classifier, POLICIES) == []
    assert classifier.calls == []


async def test_a_long_story_is_one_request_however_many_sentences_it_has() -> None:
    sentences = [
        "my card was declined at tesco on monday",
        "then my pin got blocked at the cash machine",
        "my new card never came to my new address",
        "my rent standing order went out twice this month",
        "the payment to my landlord failed as well",
    ]
    assert len(sentences) > MOST_CLAUSES
    classifier = Batched(
        dict(
            zip(
                sentences,
                [
                    _said(i)
                    for i in (
                        "declined_card_payment",
                        "pin_blocked",
                        "card_arrival",
                        "transaction_charged_twice",
                        "failed_transfer",
                    )
                ],
                strict=True,
            )
        )
    )

    assert await find_requests(". ".join(sentences), classifier, POLICIES) == []
    assert classifier.calls == []


def _between(first: str, second: str, a: float, b: float) -> IntentPrediction:
    return IntentPrediction(
        intent=first,
        confidence=a,
        alternatives=[IntentScore(intent=second, score=b)],
        source="test",
    )


async def test_a_question_surely_one_of_two_problems_is_a_request_though_neither_is_sure() -> None:
    # The fee of a withdrawal or the cash machine itself: either way a question to answer.
    classifier = Batched(
        {
            "is the deliveroo one still pending?": _said("pending_card_payment"),
            "how much cash can i draw in a day": _between(
                "cash_withdrawal_charge", "atm_support", 0.49, 0.43
            ),
        }
    )

    found = await find_requests(
        "is the deliveroo one still pending? and how much cash can i draw in a day",
        classifier,
        POLICIES,
    )

    assert [r.prediction.intent for r in found] == [
        "pending_card_payment",
        "cash_withdrawal_charge",
    ]
    assert found[1].text == "how much cash can i draw in a day"


async def test_a_question_split_between_two_unlikely_problems_stays_with_the_first() -> None:
    classifier = Batched(
        {
            "is the deliveroo one still pending?": _said("pending_card_payment"),
            "how much cash can i draw in a day": _between(
                "cash_withdrawal_charge", "atm_support", 0.45, 0.3
            ),
        }
    )

    found = await find_requests(
        "is the deliveroo one still pending? and how much cash can i draw in a day",
        classifier,
        POLICIES,
    )

    assert found == []


async def test_a_runner_up_nobody_gave_weight_does_not_make_two_requests_one() -> None:
    """ "how do i change my pin" (change_pin 1.00, pin_blocked 0.00) after a blocked PIN: the
    runner-up's reading counts only when it is a real contender (at least MARGIN)."""
    classifier = Batched(
        {
            "typed the wrong pin 3x now its locked.": _said("pin_blocked"),
            "how do i change my pin to something easier?": IntentPrediction(
                intent="change_pin",
                confidence=0.99,
                alternatives=[IntentScore(intent="pin_blocked", score=0.004)],
                source="test",
            ),
        }
    )

    found = await find_requests(
        "typed the wrong pin 3x now its locked. also how do i change my pin to something easier?",
        classifier,
        POLICIES,
    )

    assert [r.prediction.intent for r in found] == ["pin_blocked", "change_pin"]


async def test_an_announced_pair_opening_with_an_unsure_question_is_two_requests() -> None:
    # "Two things." says what follows, and is none of them; the first request is a question
    # surely about one of two problems (a failed or an undelivered transfer), though neither.
    eilidh = "The £80 I sent Eilidh yesterday didn't go, why's that?"
    classifier = Batched(
        {
            eilidh: _between("failed_transfer", "transfer_not_received_by_recipient", 0.47, 0.41),
            "can you stop my SSE direct debit": _said("direct_debit_payment_not_recognised"),
        }
    )

    found = await find_requests(
        f"Two things. {eilidh} And can you stop my SSE direct debit",
        classifier,
        POLICIES,
        whole=_said("direct_debit_payment_not_recognised", 0.99),
    )

    assert [(r.prediction.intent, r.text) for r in found] == [
        ("failed_transfer", eilidh),
        ("direct_debit_payment_not_recognised", "can you stop my SSE direct debit"),
    ]
    assert ["Two things."] not in classifier.calls


async def test_an_unsure_opening_statement_is_no_request_of_its_own() -> None:
    # The same clause told, not asked: it stays with the request after it.
    told = "The £80 I sent Eilidh yesterday didn't go"
    classifier = Batched(
        {
            told: _between("failed_transfer", "transfer_not_received_by_recipient", 0.47, 0.41),
            "can you stop my SSE direct debit": _said("direct_debit_payment_not_recognised"),
        }
    )

    found = await find_requests(
        f"{told}. And can you stop my SSE direct debit",
        classifier,
        POLICIES,
        whole=_said("direct_debit_payment_not_recognised", 0.99),
    )

    assert found == []


async def test_a_question_after_also_and_a_condition_is_a_request_of_its_own() -> None:
    # Unsure between two answers (0.51 / 0.45), yet a question of its own once "Also," and
    # its condition are read past: a second request, not more of the direct debit.
    exchange = IntentPrediction(
        intent="exchange_charge",
        confidence=0.51,
        alternatives=[IntentScore(intent="exchange_via_app", score=0.45)],
        source="test",
    )
    question = (
        "Also, if I change pounds into euros in the app on Saturday morning, is there any "
        "extra charge?"
    )
    classifier = Batched(
        {
            "Please cancel the Cambridge Water direct debit.": _said(
                "direct_debit_payment_not_recognised"
            ),
            question: exchange,
        }
    )

    found = await find_requests(
        f"Please cancel the Cambridge Water direct debit. {question}", classifier, POLICIES
    )

    assert [r.prediction.intent for r in found] == [
        "direct_debit_payment_not_recognised",
        "exchange_charge",
    ]
