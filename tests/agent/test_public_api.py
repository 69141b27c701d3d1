"""The package's public names are a contract; logs never carry personal data."""

from __future__ import annotations

import pytest

from resolution_agent import agent
from resolution_agent.agent.logs import redact_text


def test_the_public_names_of_the_agent_package_are_pinned() -> None:
    assert sorted(agent.__all__) == [
        "ActionTaken",
        "AgentClosedError",
        "Citation",
        "Conversation",
        "ConversationOwnershipError",
        "HandoffSummary",
        "InvalidRequestError",
        "Reply",
        "ResolutionAgent",
        "ResolveError",
        "Settings",
        "UnknownConversationError",
        "UnknownCustomerError",
    ]
    for name in agent.__all__:
        assert getattr(agent, name) is not None


def test_every_public_error_is_a_resolve_error() -> None:
    for name in agent.__all__:
        obj = getattr(agent, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, agent.ResolveError)


@pytest.mark.parametrize(
    ("secret", "digits"),
    [
        ("4539148803436467", "4539148803436467"),
        ("4539 1488 0343 6467", "0343"),
        ("04-00-75 12345678", "12345678"),
        ("jane.doe+bank@example.co.uk", "jane.doe"),
        ("+44 7700 900123", "900123"),
        ("07700 900123", "900123"),
    ],
)
def test_log_redaction_removes_personal_data(secret: str, digits: str) -> None:
    redacted = redact_text(f"customer said {secret} earlier")

    assert secret not in redacted
    assert digits not in redacted
    assert redacted.startswith("customer said [")
    assert redacted.rstrip().endswith("earlier")


def test_log_redaction_keeps_harmless_text() -> None:
    text = "card ending 4821 frozen for cus_1001 on 27 November, £89.99"

    assert redact_text(text) == text


def test_log_redaction_keeps_the_text_around_a_card_number() -> None:
    assert redact_text("card 4539148803436467 lost") == "card [card] lost"


def test_log_redaction_labels_a_sort_code_with_account_number_as_an_account() -> None:
    assert redact_text("paid from 04-00-75 12345678 today") == "paid from [account] today"


@pytest.mark.parametrize(
    ("said", "masked"),
    [
        ("the CVV is 123", "the CVV is [security code]"),
        ("cvc: 4567 thanks", "cvc: [security code] thanks"),
        ("CV2 987", "CV2 [security code]"),
        ("my security code was 321", "my security code was [security code]"),
        ("card 4539 1488 0343 6467 cvv2=042", "card [card] cvv2=[security code]"),
    ],
)
def test_log_redaction_masks_a_security_code_stated_with_its_name(said: str, masked: str) -> None:
    assert redact_text(said) == masked


def test_log_redaction_keeps_three_digits_without_a_security_code_name() -> None:
    text = "3 cards, 123 days, code 456, CVV not given"

    assert redact_text(text) == text
