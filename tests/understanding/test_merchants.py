"""Merchant and payee names matched against the customer's own records, typos included."""

from __future__ import annotations

import pytest

from resolution_agent.agent.planning.steps import name_mentioned
from resolution_agent.agent.understanding import extract_entities
from tests.understanding.test_entities import NOW


def words(text: str) -> list[str]:
    return extract_entities(text, now=NOW).words


@pytest.mark.parametrize(
    ("merchant", "text"),
    [
        ("AMAZON UK MARKETPLACE", "I don't recognise an amazon payment"),
        ("Amazon", "what's this amazn charge"),  # one typo in a long word
        ("Sainsbury's", "sainsburys took it twice"),
        ("Tesco Stores 2041", "the tesco one"),
        ("Pure Gym Ltd", "cancel my gym direct debit, PureGym? no, pure gym"),
        ("Harbour Lettings", "the rent to harbor lettings"),
        ("EE", "EE"),  # a two-letter brand, given in answer to "which one?"
        ("BT", "the bt one"),
    ],
)
def test_mentioned(merchant: str, text: str) -> None:
    assert name_mentioned(merchant, words(text))


@pytest.mark.parametrize(
    ("merchant", "text"),
    [
        ("Amazon", "I bought something online"),  # 'online' is noise, not a name
        ("Tesco Stores", "a store charged me"),
        ("Uber", "I used a taxi"),
        ("Costa", "it cost a lot"),  # short words need an exact match
        ("EE", "the fee seems high"),  # a two-letter name is a word of its own, never a part
        ("BP", "bpm"),
    ],
)
def test_not_mentioned(merchant: str, text: str) -> None:
    assert not name_mentioned(merchant, words(text))
