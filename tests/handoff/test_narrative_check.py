"""The narrative check on its own: every action, amount and date must be a fact of the summary."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from resolution_agent.agent.handoff_model import HandoffAction, HandoffSummary, TranscriptLine
from resolution_agent.agent.handoff_narrative import amounts_in, check_narrative, dates_in

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # a Friday
CUSTOMER = "I lost my card on Tuesday and someone spent £45.20 at Tesco yesterday"


def summary(*actions: tuple[str, str, str], open_items: list[str] | None = None) -> HandoffSummary:
    return HandoffSummary(
        conversation_id="conv-1",
        customer_id="cus_1001",
        headline="Card reported lost",
        queue="cards",
        priority="high",
        sla_deadline=NOW,
        reasons=[],
        intent="lost_or_stolen_card",
        intent_confidence=0.9,
        identity="app_authenticated",
        actions=[
            HandoffAction(tool=tool, summary=args, outcome=outcome, turn=1)
            for tool, args, outcome in actions
        ],
        open_items=open_items or [],
        next_steps=[],
        transcript=[TranscriptLine(role="customer", text=CUSTOMER, at=NOW)],
    )


FROZEN = summary(
    ("list_cards", "(no arguments)", "succeeded"), ("freeze_card", "card_id=c1", "succeeded")
)


@pytest.mark.parametrize(
    "text",
    [
        "We froze the card ending 4821. The customer says £45.20 went at Tesco yesterday and "
        "the card went missing on Tuesday.",
        "Card frozen today; the customer wants a refund of the 45.20 GBP Tesco payment.",
        "Froze the card; 4,520 pence went at Tesco.",
        "The customer could not find it, so we froze the card at 10 p.m.",
        "The card was not cancelled: the customer has not said yes yet.",
        "Frozen on 27/11 after the customer reported it lost on 2026-11-24.",
    ],
)
def test_a_narrative_that_keeps_to_the_facts_is_kept(text: str) -> None:
    verdict = check_narrative(text, FROZEN, now=NOW)

    assert verdict.kept, verdict.problems
    assert verdict.problems == ()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("We froze the card and refunded the £45.20.", "'refunded'"),
        ("The customer will be refunded.", "no tool can do that"),
        ("We cancelled the card and froze it.", "'cancelled'"),
        ("A dispute was raised for the Tesco payment.", "raise_dispute"),
        ("Nothing was frozen.", "says not 'froze'"),
        ("freeze_card ran, then cancel_card.", "names tool cancel_card"),
        ("Froze the card; £60 went at Tesco.", "£60.00"),
        ("Froze the card; 4,000 pence went at Tesco.", "£40.00"),
        ("Froze the card; the payment was on 3 March.", "2026-03-03"),
        ("Froze the card; the customer lost it last week.", "last week"),
        ("Froze the card; the customer lost it on Monday.", "2026-11-23"),
    ],
)
def test_a_narrative_inventing_an_action_amount_or_date_is_dropped(text: str, problem: str) -> None:
    verdict = check_narrative(text, FROZEN, now=NOW)

    assert not verdict.kept
    assert any(problem in p for p in verdict.problems), verdict.problems


def test_a_tool_waiting_for_the_customer_may_be_named_but_not_claimed() -> None:
    facts = summary(open_items=["Customer had not yet confirm cancel_card (card_id=c1)."])

    assert check_narrative("cancel_card is waiting for the customer's yes.", facts, now=NOW).kept
    assert not check_narrative("We cancelled the card.", facts, now=NOW).kept


def test_a_failed_action_does_not_back_a_claim_that_it_was_done() -> None:
    facts = summary(("freeze_card", "card_id=c1", "failed"))

    assert check_narrative("freeze_card failed at the bank.", facts, now=NOW).kept
    assert not check_narrative("We froze the card.", facts, now=NOW).kept


def test_amount_arguments_of_actions_are_facts() -> None:
    facts = summary(("list_transactions", "account_id=a1, min_amount=4999", "succeeded"))

    assert check_narrative("Looked for payments over £49.99.", facts, now=NOW).kept


def test_an_empty_or_overlong_narrative_is_dropped() -> None:
    assert not check_narrative("   ", FROZEN, now=NOW).kept
    assert not check_narrative("The card is frozen. " * 60, FROZEN, now=NOW).kept


def test_amounts_are_read_in_every_usual_form() -> None:
    assert amounts_in("£1,200.50, $5, €10, 10 euros, GBP 7, 45p, 2 cards, card ending 4821") == {
        (120050, "GBP"),
        (500, "USD"),
        (1000, "EUR"),
        (700, "GBP"),
        (45, "GBP"),
    }


def test_dates_are_pinned_to_days_relative_to_when_they_were_written() -> None:
    found = dates_in(
        "3rd of March 2025, 12/03, May 4, Monday, 2 days ago, yesterday, last week, 31/02",
        reference=date(2026, 11, 27),
    )

    assert found == {
        "2025-03-03",
        "2026-03-12",
        "2026-05-04",
        "2026-11-23",
        "2026-11-25",
        "2026-11-26",
        "last week",
        "31/02",
    }


@pytest.mark.parametrize(
    ("tool", "word"),
    [
        ("freeze_card", "froze"),
        ("unfreeze_card", "unfroze"),
        ("cancel_card", "replaced"),
        ("cancel_payment", "cancelled"),
        ("cancel_direct_debit", "stopped"),
        ("unblock_pin", "unblocked"),
        ("raise_dispute", "disputed"),
        ("check_verification", "verified"),
    ],
)
def test_a_claim_is_backed_by_the_success_of_a_tool_that_declares_it(tool: str, word: str) -> None:
    text = f"We {word} it for the customer."

    assert check_narrative(text, summary((tool, "x=1", "succeeded")), now=NOW).kept
    assert not check_narrative(text, summary((tool, "x=1", "failed")), now=NOW).kept
