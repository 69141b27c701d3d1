"""A write of unknown outcome in front of a COp: no narrative may call it done or not done."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from resolution_agent.agent.handoff_model import HandoffAction, HandoffSummary, TranscriptLine
from resolution_agent.agent.handoff_narrative import check_narrative

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)

UNKNOWN_CANCEL = HandoffSummary(
    conversation_id="conv-1",
    customer_id="cus_1001",
    headline="Bank system failure: card reported lost",
    queue="cards",
    priority="high",
    sla_deadline=NOW,
    reasons=[],
    intent="lost_or_stolen_card",
    intent_confidence=0.9,
    identity="app_authenticated",
    actions=[
        HandoffAction(tool="freeze_card", summary="card_id=c1", outcome="succeeded", turn=1),
        HandoffAction(
            tool="cancel_card",
            summary="card_id=c1, reason=lost, replace=True",
            outcome="unknown",
            turn=2,
        ),
    ],
    open_items=[],
    next_steps=[],
    transcript=[TranscriptLine(role="customer", text="I've lost my card", at=NOW)],
)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("The card was cancelled and a new one ordered.", "claims 'cancelled'"),
        ("The card was not cancelled; please cancel it.", "the outcome of cancel_card is unknown"),
    ],
)
def test_a_narrative_claiming_either_outcome_of_an_unknown_write_is_dropped(
    text: str, problem: str
) -> None:
    verdict = check_narrative(text, UNKNOWN_CANCEL, now=NOW)

    assert not verdict.kept
    assert any(problem in p for p in verdict.problems), verdict.problems


def test_a_narrative_that_leaves_the_unknown_write_open_is_kept() -> None:
    text = "Froze the card; whether cancel_card went through must be checked at the bank."

    verdict = check_narrative(text, UNKNOWN_CANCEL, now=NOW)

    assert verdict.kept, verdict.problems
