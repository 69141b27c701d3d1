"""Passage choice for qualified questions: the section and sentences that hold the fact."""

from __future__ import annotations

import pytest

from resolution_agent.agent.helpcentre import load_articles
from resolution_agent.agent.retrieval import LexicalRetriever
from resolution_agent.agent.retrieval.chunks import Chunk
from resolution_agent.agent.retrieval.focus import (
    asked_fact,
    best_answer,
    focus,
    says_more,
    sections_stating_asks,
    sentences,
    supporting_facts,
)
from resolution_agent.agent.retrieval.qualifiers import detect
from resolution_agent.agent.state import Passage
from tests.retrieval.conftest import HELP


def chunk(ordinal: int, section: str, text: str) -> Chunk:
    return Chunk(
        id=f"rates#{ordinal}",
        article_id="rates",
        title="Weekend exchange rates",
        section=section,
        text=text,
        ordinal=ordinal,
    )


RATES = [
    chunk(0, "Overview", "Currency markets close at the weekend, so rates can move."),
    chunk(
        1,
        "When the weekend markup applies",
        "The markup applies to exchanges you make in the app between Friday and Sunday. "
        "During this time, we add 0.5% to our usual exchange rate.",
    ),
    chunk(
        2,
        "Card payments at the weekend",
        "The weekend markup doesn't apply to card payments. Card payments are converted at "
        "the Visa exchange rate, with no Kestrel markup on any day of the week.",
    ),
    chunk(
        3,
        "Avoiding the weekend markup",
        "To avoid the weekend markup, exchange money in the app on a weekday before you go abroad.",
    ),
    chunk(4, "Our fees", "The markup is listed in [Kestrel fees](/a/fees), 0.5% at weekends."),
]


def test_an_unqualified_question_keeps_the_retrievers_section() -> None:
    found = focus(RATES, RATES[3], detect("how do I exchange money"))

    assert found.chunk == RATES[3]
    assert found.answers == ()
    assert found.text == RATES[3].text


def test_the_section_stating_the_qualifiers_answers_instead_of_the_retrievers() -> None:
    question = "if i pay by card in spain on a sunday do i get the weekend markup?"
    found = focus(RATES, RATES[1], detect(question))

    assert found.chunk.section == "Card payments at the weekend"
    assert found.text.startswith("The weekend markup doesn't apply to card payments.")
    assert {"fee", "weekend", "card_payment"} <= set(found.answers)


def test_a_tie_keeps_the_retrievers_section() -> None:
    found = focus(RATES, RATES[2], detect("is there a markup at the weekend"))

    assert found.chunk == RATES[2]


def test_an_ask_weighs_more_than_narrowing_words_in_the_choice_of_section() -> None:
    found = focus(RATES, RATES[3], detect("is it cheaper to exchange in the app on a weekday?"))

    assert found.chunk == RATES[1]  # states the fee: 0.5%
    assert found.text.endswith("exchange money in the app on a weekday before you go abroad.")
    assert set(found.answers) == {"fee", "weekday", "app"}


def test_what_the_section_leaves_out_comes_from_another_with_what_it_points_back_to() -> None:
    question = "is it cheaper to exchange in the app on a weekday before going abroad?"
    found = focus(RATES, RATES[3], detect(question))

    assert found.chunk == RATES[3]  # a tie with the fee's section keeps the retriever's
    # In article order; "During this time" brings the sentence it points back to.
    assert found.text == (
        "The markup applies to exchanges you make in the app between Friday and Sunday. "
        "During this time, we add 0.5% to our usual exchange rate. "
        "To avoid the weekend markup, exchange money in the app on a weekday before you go abroad."
    )
    assert set(found.answers) == {"fee", "abroad", "weekday", "app"}


def test_a_sentence_pointing_to_another_article_states_nothing() -> None:
    only_pointer = [RATES[0], RATES[4]]
    found = focus(only_pointer, RATES[0], detect("what is the fee at the weekend"))

    assert "fee" not in found.answers


def test_a_long_section_keeps_the_fact_asked_for_within_a_snippet() -> None:
    filler = " ".join(
        f"Sentence {n} says nothing much about anything here at all." for n in range(8)
    )
    long = chunk(0, "Card and cash limits", f"{filler} You can take out up to £500 a day in cash.")
    found = focus([long], long, detect("how much cash can i take out in a day"))

    assert "up to £500 a day" in found.text
    assert len(found.text) <= 340


def test_sentences_split_at_sentence_ends_only() -> None:
    assert sentences("It costs £3.50 each. See [Fees](/a/fees). Done!") == [
        "It costs £3.50 each.",
        "See [Fees](/a/fees).",
        "Done!",
    ]


def passage(article_id: str, score: float, answers: tuple[str, ...], snippet: str = "x") -> Passage:
    return Passage(
        article_id=article_id,
        title=article_id,
        section="s",
        snippet=snippet,
        score=score,
        url=f"https://help.example/{article_id}",
        answers=answers,
    )


def test_a_later_passage_answers_when_it_states_more_and_is_as_grounded() -> None:
    first = passage("general", 0.50, ("app",))
    second = passage("specific", 0.56, ("fee", "weekend", "app"))

    assert best_answer([first, second]) == second


def test_the_retrieval_order_stands_on_a_tie_or_a_weaker_grounding() -> None:
    first = passage("first", 0.50, ("fee",))
    same = passage("same", 0.90, ("fee",))
    weaker = passage("weaker", 0.40, ("fee", "weekend"))

    assert best_answer([first, same, weaker]) == first


def test_the_asked_fact_answers_within_a_wider_tie_when_the_first_states_none_of_it() -> None:
    # "is my euro balance protected the same as my pounds?": the currencies one holds (0.675)
    # against the FSCS article's section on other currencies (0.557), which states the ask
    currencies = passage("supported-currencies", 0.675, ("abroad", "app"))
    protection = passage("deposit-protection-fscs", 0.557, ("protected", "abroad"))
    far = passage("far", 0.50, ("protected", "abroad"))

    assert best_answer([currencies, protection]) == protection
    assert best_answer([currencies, far]) == currencies  # past ASK_TIE
    # the first states an ask too: the narrow tie stands
    stated = passage("apple-pay-google-pay", 0.599, ("most",))
    contactless = passage("contactless-not-working", 0.512, ("most", "cash_machine"))
    assert best_answer([stated, contactless]) == stated


def test_the_asked_fact_is_the_sentences_stating_an_ask() -> None:
    cited = passage(
        "card-delivery-times",
        0.6,
        ("how_long",),
        "Your card should arrive within 3 to 5 working days. You can track it in the app.",
    )

    assert asked_fact(cited) == "Your card should arrive within 3 to 5 working days."
    assert asked_fact(cited.model_copy(update={"answers": ()})) == ""


def test_the_lexical_retriever_focuses_each_article_on_the_fact_asked() -> None:
    retriever = LexicalRetriever(load_articles(HELP))
    question = "if i pay by card in a shop in spain on a sunday, do i get the weekend markup?"

    hits = {p.article_id: p for p in retriever.rank(question, k=10)}

    weekend = hits["weekend-exchange-rates"]
    assert weekend.section == "Card payments at the weekend"
    assert "doesn't apply to card payments" in weekend.snippet
    assert "weekend" in weekend.answers


@pytest.mark.parametrize(
    ("question", "article_id", "says"),
    [
        (
            "how do i get one of them disposable cards?",
            "disposable-virtual-cards",
            "Disposable card",
        ),
        (
            "my card's cracked, how do I order a new physical card?",
            "order-a-physical-card",
            "Replace card",
        ),
    ],
)
def test_a_how_to_question_gets_the_section_with_the_apps_steps(
    question: str, article_id: str, says: str
) -> None:
    retriever = LexicalRetriever(load_articles(HELP))

    hits = {p.article_id: p for p in retriever.rank(question, k=10)}

    assert says in hits[article_id].snippet
    assert "steps" in hits[article_id].answers


def section(article_id: str, ordinal: int, text: str) -> Chunk:
    return Chunk(
        id=f"{article_id}#{ordinal}",
        article_id=article_id,
        title=article_id,
        section=f"Section {ordinal}",
        text=text,
        ordinal=ordinal,
    )


def test_each_ask_brings_the_first_ranked_section_stating_it_one_per_article() -> None:
    ranked = [
        section("timing", 3, "A CHAPS payment arrives on the same working day."),
        section("timing", 1, "CHAPS doesn't run at weekends."),
        section("fees", 3, "A CHAPS payment costs £20."),
        section("general", 0, "International transfers cost a fixed £3 each."),
    ]

    found = sections_stating_asks(ranked, detect("how much is a CHAPS payment, is it same day?"))

    assert [c.id for c in found] == ["timing#3", "fees#3"]
    assert sections_stating_asks(ranked, detect("how do I send a CHAPS payment")) == []


def test_a_missing_ask_is_added_from_the_best_grounded_passage_stating_it() -> None:
    answer = passage(
        "timing", 0.54, ("how_long",), "CHAPS is for large payments. It arrives the same day."
    )
    low = passage("abroad", 0.33, ("fee", "how_long"), "International transfers cost £3.")
    fees = passage(
        "fees", 0.50, ("fee",), "A CHAPS payment costs £20. We tell you the fee before it's sent."
    )

    support = supporting_facts(answer, [answer, low, fees], floor=0.3)

    assert [(p.article_id, fact) for p, fact in support] == [
        ("fees", "A CHAPS payment costs £20.")  # only the sentence stating the fee
    ]


def test_no_fact_is_added_below_the_floor_outside_the_setting_or_when_nothing_is_missing() -> None:
    answer = passage("timing", 0.54, ("how_long", "weekend"), "It arrives within seconds.")
    weekday_fee = passage("fees", 0.60, ("fee", "weekday"), "It costs £20 on weekdays.")
    weak_fee = passage("other", 0.20, ("fee", "weekend"), "It costs £5 at weekends.")
    complete = passage("both", 0.40, ("fee", "how_long"), "It costs £1 and takes 2 days.")
    less = passage("less", 0.90, ("fee",), "It costs £2.")

    assert supporting_facts(answer, [answer, weekday_fee, weak_fee], floor=0.3) == []
    assert supporting_facts(complete, [complete, less], floor=0.3) == []


def test_a_question_asking_two_facts_also_gets_the_article_stating_the_second() -> None:
    retriever = LexicalRetriever(load_articles(HELP))
    question = "how much is a CHAPS payment with you and does it get there the same day?"

    hits = retriever.rank(question, k=1)

    assert [p.article_id for p in hits] == ["transfer-fees", "transfer-timing"]
    assert hits[1].section == "CHAPS payments"
    assert "how_long" in hits[1].answers
    assert len(retriever.rank("how do i send a CHAPS payment", k=1)) == 1


def test_a_clause_saying_what_may_happen_states_neither_a_fact_nor_its_setting() -> None:
    limits = section(
        "top-ups",
        0,
        "There's no Kestrel limit on receiving money, "
        "but your other bank may limit how much you can send in a day.",
    )

    found = focus([limits], limits, detect("what's the most i can send in a single day"))

    assert found.answers == ("most",)  # the day is the other bank's, not a fact of ours


def test_a_section_stating_the_ask_where_asked_is_pulled_before_one_stating_it_alone() -> None:
    ranked = [
        section("top-ups", 3, "There's no Kestrel limit on receiving money by bank transfer."),
        section("limits", 1, "You can send up to £25,000 a day by Faster Payments."),
    ]

    found = sections_stating_asks(ranked, detect("what's the most i can send in a single day"))

    assert [c.id for c in found] == ["limits#1"]


def test_a_setting_the_answer_leaves_out_is_filled_by_the_same_ask_stated_in_it() -> None:
    answer = passage("top-ups", 0.67, ("most",), "There's no Kestrel limit on receiving money.")
    daily = passage(
        "limits",
        0.55,
        ("most", "per_period"),
        "You can send up to £25,000 a day. This daily limit covers standing orders too.",
    )
    timing = passage("timing", 0.60, ("per_period",), "Faster Payments work 24 hours a day.")

    support = supporting_facts(answer, [answer, timing, daily], floor=0.3)

    # The limit stated for a day; not the timing passage, which states no limit at all.
    assert [(p.article_id, fact) for p, fact in support] == [
        ("limits", "You can send up to £25,000 a day.")
    ]


def test_a_supporting_fact_leads_when_its_passage_states_what_the_answer_does_and_more() -> None:
    answer = passage("top-ups", 0.67, ("most",))
    daily = passage("limits", 0.55, ("most", "per_period"))
    fee = passage("fees", 0.55, ("fee",))

    assert says_more(daily, answer)
    assert not says_more(fee, answer)
    assert not says_more(answer, answer)
