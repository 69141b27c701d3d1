"""The handoff summary as HTML (escaped, complete) and as JSON (round-trips)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from resolution_agent.agent.console import render_handoff_html, render_handoff_json
from resolution_agent.agent.handoff_model import (
    CitedArticle,
    HandoffAction,
    HandoffEntities,
    HandoffReason,
    HandoffSummary,
    TranscriptLine,
)
from resolution_agent.agent.settings import Settings
from resolution_agent.agent.templates import Templates

AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
EVIL = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def templates() -> Templates:
    return Templates(Settings().prompts_dir)


def summary(**overrides: object) -> HandoffSummary:
    fields: dict[str, object] = {
        "conversation_id": "conv-1",
        "customer_id": "cus_1001",
        "headline": "Card payment disputed",
        "queue": "disputes",
        "priority": "high",
        "sla_deadline": datetime(2026, 11, 27, 12, 30, tzinfo=UTC),
        "reasons": [HandoffReason(rule_id="ESC-DISPUTE", reason="dispute_needs_review")],
        "skills": ["disputes", "cards"],
        "intent": "dispute_transaction",
        "intent_confidence": 0.91,
        "identity": "step_up",
        "actions": [
            HandoffAction(
                tool="freeze_card", summary="froze card ending 4242", outcome="succeeded", turn=1
            ),
            HandoffAction(
                tool="raise_dispute",
                summary="raised a dispute",
                outcome="failed",
                detail="bank timed out",
                turn=2,
            ),
        ],
        "open_items": ["Dispute not raised yet"],
        "next_steps": ["Raise the dispute by hand"],
        "risk_flags": ["complaint"],
        "sentiment": "frustrated",
        "entities": HandoffEntities(amounts=["£42.00"], dates=["24 Nov"], card_last4=["4242"]),
        "cited_articles": [
            CitedArticle(article_id="HC-12", title="Disputing a payment", url="https://kb/12")
        ],
        "transcript": [TranscriptLine(role="customer", text="I don't recognise £42", at=AT)],
    }
    fields.update(overrides)
    return HandoffSummary.model_validate(fields)


def test_html_shows_everything_a_cop_acts_on(templates: Templates) -> None:
    html = render_handoff_html(summary(), templates)
    for expected in (
        '<h2 class="headline">Card payment disputed</h2>',
        "disputes",
        "priority-high",
        '<time datetime="2026-11-27T12:30:00+00:00">12:30 GMT, Fri 27 Nov 2026</time>',
        "dispute needs review",
        '<code class="rule-id">ESC-DISPUTE</code>',
        "frustrated",
        "complaint",
        "disputes, cards",
        "step up",
        "dispute_transaction (91% confident)",
        "£42.00",
        "24 Nov",
        "4242",
        "froze card ending 4242",
        "<strong>succeeded</strong>",
        "<strong>failed</strong> (bank timed out)",
        "Dispute not raised yet",
        "Raise the dispute by hand",
        '<a href="https://kb/12" rel="noopener noreferrer">Disputing a payment</a>',
        "I don&#39;t recognise £42",
    ):
        assert expected in html, expected


def test_html_escapes_every_piece_of_text(templates: Templates) -> None:
    html = render_handoff_html(
        summary(
            headline=EVIL,
            next_steps=[EVIL],
            open_items=[EVIL],
            entities=HandoffEntities(amounts=[EVIL]),
            transcript=[TranscriptLine(role="customer", text=EVIL, at=AT)],
            cited_articles=[CitedArticle(article_id="x", title=EVIL, url="javascript:alert(1)")],
        ),
        templates,
    )
    assert "<script>" not in html
    assert "javascript:" not in html  # a non-web article URL is shown as text, never a link
    assert html.count("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") == 6


def test_html_without_actions_says_nothing_changed(templates: Templates) -> None:
    html = render_handoff_html(
        summary(actions=[], open_items=[], next_steps=[], cited_articles=[], intent=None),
        templates,
    )
    assert "Nothing was changed on the account." in html
    assert "unknown" in html
    assert "Still open" not in html


def test_html_without_history_leaves_the_actions_and_transcript_to_the_live_page(
    templates: Templates,
) -> None:
    html = render_handoff_html(summary(), templates, history=False)
    assert "froze card ending 4242" not in html
    assert "I don&#39;t recognise £42" not in html
    assert "Raise the dispute by hand" in html
    assert "dispute needs review" in html


def test_an_action_whose_outcome_is_unknown_says_check_before_retrying(
    templates: Templates,
) -> None:
    unknown = HandoffAction(
        tool="freeze_card", summary="froze it", outcome="unknown", detail=EVIL, turn=1
    )
    html = render_handoff_html(summary(actions=[unknown]), templates)
    assert "<strong>outcome unknown — check at the bank before retrying</strong>" in html
    assert "<script>" not in html


def test_json_round_trips() -> None:
    original = summary()
    assert HandoffSummary.model_validate_json(render_handoff_json(original)) == original
