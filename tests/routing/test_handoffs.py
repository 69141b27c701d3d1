from __future__ import annotations

from datetime import datetime, timedelta

from resolution_agent.agent.handoff_model import HandoffSummary, TranscriptLine
from resolution_agent.agent.routing import HandleTimes, cases_from_handoffs
from resolution_agent.agent.vocabulary import Priority, Queue

HANDED_OFF = datetime(2026, 3, 2, 10, 0)


def summary(
    conversation_id: str,
    queue: Queue,
    priority: Priority,
    skills: list[str],
    *,
    transcript: bool = True,
    sla_minutes: int = 15,
) -> HandoffSummary:
    lines = [
        TranscriptLine(role="customer", text="hello", at=HANDED_OFF - timedelta(minutes=3)),
        TranscriptLine(role="agent", text="passing you on", at=HANDED_OFF),
    ]
    return HandoffSummary(
        conversation_id=conversation_id,
        customer_id="cus_1001",
        headline="Scam or fraud reported",
        queue=queue,
        priority=priority,
        sla_deadline=HANDED_OFF + timedelta(minutes=sla_minutes),
        reasons=[],
        skills=skills,
        intent=None,
        intent_confidence=0.9,
        identity="app_authenticated",
        actions=[],
        open_items=[],
        next_steps=[],
        transcript=lines if transcript else [],
    )


def test_cases_from_handoffs_keeps_queue_priority_deadline_and_skills() -> None:
    [case] = cases_from_handoffs([summary("conv-1", "fincrime", "urgent", ["cards"])])
    assert case.id == "conv-1"
    assert case.queue == "fincrime"
    assert case.priority == "urgent"
    assert case.sla_deadline == HANDED_OFF + timedelta(minutes=15)
    # The queue's team skill joins the intent's skills.
    assert case.required_skills == frozenset({"cards", "fincrime"})
    assert case.waiting_since == HANDED_OFF


def test_vulnerable_customers_queue_needs_the_vulnerability_skill() -> None:
    [case] = cases_from_handoffs([summary("c", "vulnerable_customers", "high", [])])
    assert case.required_skills == frozenset({"vulnerability"})


def test_handoff_without_transcript_waits_from_deadline_less_sla() -> None:
    [case] = cases_from_handoffs(
        [summary("c", "cards", "normal", ["cards"], transcript=False, sla_minutes=240)]
    )
    assert case.waiting_since == HANDED_OFF


def test_language_comes_from_the_mapping_else_the_default() -> None:
    cases = cases_from_handoffs(
        [summary("a", "cards", "low", ["cards"]), summary("b", "cards", "low", ["cards"])],
        languages={"a": "cy"},
    )
    assert [c.language for c in cases] == ["cy", "en"]


def test_handle_minutes_follow_the_handle_time_model() -> None:
    times = HandleTimes(minutes_by_skill={"cards": 6, "fincrime": 18}, extra_skill_factor=0.5)
    [case] = cases_from_handoffs(
        [summary("c", "fincrime", "urgent", ["cards"])], handle_times=times
    )
    assert case.handle_minutes == (6 + 18) / 2 * 1.5
    assert case.estimated_handle_minutes(0.5, times) == case.handle_minutes * 1.5
