"""Reading "neither" in answer to a clarifying question: what counts as turning both options
down, and what the customer adds after it."""

from __future__ import annotations

import pytest

from resolution_agent.agent.understanding import read_neither


@pytest.mark.parametrize(
    "text",
    [
        "neither",
        "Neither!",
        "something else",
        "none of those",
        "no",
        "nope.",
        "not that",
        "it's something else",
        "nah, neither of them",
        "nothing like that",
    ],
)
def test_a_plain_refusal_adds_nothing(text: str) -> None:
    assert read_neither(text) == ""


@pytest.mark.parametrize(
    ("text", "added"),
    [
        ("neither, my card got stuck in a cash machine", "my card got stuck in a cash machine"),
        ("no, something else: I want to close my account", "I want to close my account"),
        ("not that one - my PIN is blocked", "my PIN is blocked"),
    ],
)
def test_a_refusal_with_more_keeps_only_what_was_added(text: str, added: str) -> None:
    assert read_neither(text) == added


@pytest.mark.parametrize(
    "text",
    [
        "the first one",
        "yes, the lost one",
        "no money came through",  # a new description, not a refusal
        "neither of my cards works",
        "not sure",
        "not that card, the other one",
    ],
)
def test_an_answer_that_picks_or_describes_is_not_a_refusal(text: str) -> None:
    assert read_neither(text) is None
