"""Entities resolved against a fixed clock: Friday 27 November 2026, 10:00 UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from resolution_agent.agent.understanding import extract_entities
from resolution_agent.agent.understanding.entities import card_endings_named

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "pence", "currency"),
    [
        ("they took £12.50 off me", 1250, "GBP"),
        ("it was 12 quid", 1200, "GBP"),
        ("€40 at a cafe in Lisbon", 4000, "EUR"),
        ("I sent 1.2k to my landlord", 120000, "GBP"),
        ("£1,250.00 rent", 125000, "GBP"),
        ("a 50p charge", 50, "GBP"),
        ("£2k transfer", 200000, "GBP"),
        ("$15 on a US site", 1500, "USD"),
    ],
)
def test_amounts(text: str, pence: int, currency: str) -> None:
    [money] = extract_entities(text, now=NOW).amounts
    assert (money.pence, money.currency) == (pence, currency)


def test_numbers_that_are_not_money_are_not_amounts() -> None:
    assert extract_entities("my card ending 4821 was declined 3 times", now=NOW).amounts == []


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("I paid yesterday", ["2026-11-26"]),
        ("the day before yesterday", ["2026-11-25"]),
        ("it went out today", ["2026-11-27"]),
        ("last Tuesday", ["2026-11-24"]),
        ("on Friday", ["2026-11-27"]),  # today is a Friday: a bare weekday may be today
        ("last Friday", ["2026-11-20"]),  # ... "last" is strictly before
        ("on 3rd March", ["2026-03-03"]),
        ("March 3rd 2025", ["2025-03-03"]),
        ("on the 3rd of December", ["2025-12-03"]),  # no year, not yet this year: last year's
        ("25/11", ["2026-11-25"]),
        ("2026-11-20", ["2026-11-20"]),
        ("2 days ago", ["2026-11-25"]),
        ("a week ago", ["2026-11-20"]),
        ("on 31/11", []),  # not a date
        ("sent on Monday and again yesterday", ["2026-11-23", "2026-11-26"]),
        ("been pending since weds", ["2026-11-25"]),  # a weekday typed short
        ("paid it in on mon", ["2026-11-23"]),
        ("i sat at home all day", []),  # "sat" is a word: a short weekday only after "on"
        # a day of the month alone: this month's, or last month's while still to come
        ("paid in on Thursday the 19th", ["2026-11-19"]),  # the day says which Thursday
        ("ordered on the 12th", ["2026-11-12"]),
        ("pending since the 30th", ["2026-10-30"]),
        ("on mon 16th", ["2026-11-16"]),
        ("asked for the 5th time", []),  # an ordinal that is no date
    ],
)
def test_dates_resolved_against_the_clock(text: str, dates: list[str]) -> None:
    assert extract_entities(text, now=NOW).dates == dates


@pytest.mark.parametrize(
    ("text", "last4"),
    [
        ("my card ending 4821 is blocked", ["4821"]),
        ("the one that ends in 0042", ["0042"]),
        ("last four digits 7719", ["7719"]),
        ("card 1234 and card ending 5678", ["1234", "5678"]),
    ],
)
def test_card_last_four(text: str, last4: list[str]) -> None:
    assert extract_entities(text, now=NOW).card_last4 == last4


def test_one_time_codes_are_not_card_digits() -> None:
    entities = extract_entities("the code is 123 456 for card ending 4821", now=NOW)
    assert entities.codes == ["123456"]
    assert entities.card_last4 == ["4821"]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("ok 731640, thats what came thru x", ["731640"]),  # a comma ends the sentence
        ("it's 402 118.", ["402118"]),
        ("I sent 1,234,567 last year", []),  # an amount's digits
        ("paid 123456.78 for the van", []),
    ],
)
def test_a_code_may_end_a_sentence_but_is_never_an_amount(text: str, codes: list[str]) -> None:
    assert extract_entities(text, now=NOW).codes == codes


@pytest.mark.parametrize(
    ("text", "endings"),
    [
        ("freeze the card ending 7304", ["7304"]),
        ("the one that ends in 9087", ["9087"]),
        ("last 4 digits 5512", ["5512"]),
        ("my card for 1499 got declined", []),  # an amount, not a card named
    ],
)
def test_only_an_ending_or_last_four_names_a_card(text: str, endings: list[str]) -> None:
    assert card_endings_named(text) == endings
