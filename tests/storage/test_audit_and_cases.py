"""The audit log and the case store behave the same on every backend (SQLite, memory, Postgres)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from resolution_agent.agent.audit import AuditEvent
from resolution_agent.agent.desk.cases import Case
from resolution_agent.agent.handoff_model import HandoffSummary
from resolution_agent.agent.storage import Storage
from resolution_agent.agent.vocabulary import Priority, Queue

AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def event(conversation_id: str, turn: int, rule_id: str, **detail: object) -> AuditEvent:
    return AuditEvent.model_validate(
        {
            "conversation_id": conversation_id,
            "turn": turn,
            "at": AT + timedelta(seconds=turn, microseconds=7),
            "kind": "guard",
            "rule_id": rule_id,
            "detail": detail,
        }
    )


def case(
    conversation_id: str,
    *,
    priority: Priority = "normal",
    queue: Queue = "cards",
    due_in_min: int = 60,
    skills: tuple[str, ...] = (),
    status: str = "queued",
) -> Case:
    deadline = AT + timedelta(minutes=due_in_min)
    summary = HandoffSummary(
        conversation_id=conversation_id,
        customer_id="cus_1001",
        headline="Lost card — customer wants it cancelled",
        queue=queue,
        priority=priority,
        sla_deadline=deadline,
        reasons=[],
        skills=list(skills),
        intent="lost_card",
        intent_confidence=0.91,
        identity="app_authenticated",
        actions=[],
        open_items=["confirm the cancellation"],
        next_steps=["cancel card_1001a"],
        transcript=[],
    )
    return Case.model_validate(
        {
            "conversation_id": conversation_id,
            "customer_id": "cus_1001",
            "queue": queue,
            "priority": priority,
            "sla_deadline": deadline,
            "status": status,
            "opened_at": AT,
            "updated_at": AT,
            "summary": summary,
        }
    )


async def test_audit_events_come_back_per_conversation_in_the_order_appended(
    storage: Storage,
) -> None:
    appended = [
        event("conv-1", 2, "AG-2", verdict="allow", args={"card_id": "card_1001a", "n": 3}),
        event("conv-2", 1, "IN-1"),
        event("conv-1", 1, "AG-1", verdict="deny", ratio=0.25, flags=["a", "b"], none=None),
    ]
    for e in appended:
        await storage.audit.append(e)

    assert await storage.audit.events("conv-1") == [appended[0], appended[2]]
    assert await storage.audit.events("conv-2") == [appended[1]]
    assert await storage.audit.events("conv-unknown") == []


async def test_a_saved_case_reads_back_equal_and_a_second_save_replaces_it(
    storage: Storage,
) -> None:
    first = case("conv-1", skills=("cards",))
    await storage.cases.save(first)
    claimed = first.model_copy(
        update={"status": "claimed", "owner": "cop_ana", "updated_at": AT + timedelta(minutes=5)}
    )
    read_first = await storage.cases.get("conv-1")
    await storage.cases.save(claimed)

    assert read_first == first
    assert await storage.cases.get("conv-1") == claimed
    assert await storage.cases.get("conv-unknown") is None


async def test_cases_list_the_most_urgent_first_filtered_by_queue_skill_and_status(
    storage: Storage,
) -> None:
    cases = [
        case("conv-low", priority="low", due_in_min=5),
        case("conv-high-late", priority="high", due_in_min=90, skills=("disputes",)),
        case("conv-high-soon", priority="high", due_in_min=10, queue="disputes"),
        case("conv-urgent", priority="urgent", due_in_min=120, skills=("disputes",)),
        case("conv-closed", priority="urgent", due_in_min=1, status="closed"),
    ]
    for c in cases:
        await storage.cases.save(c)

    open_ids = [c.conversation_id for c in await storage.cases.list()]
    assert open_ids == ["conv-urgent", "conv-high-soon", "conv-high-late", "conv-low"]
    assert [c.conversation_id for c in await storage.cases.list(queue="disputes")] == [
        "conv-high-soon"
    ]
    assert [c.conversation_id for c in await storage.cases.list(skill="disputes")] == [
        "conv-urgent",
        "conv-high-late",
    ]
    closed = await storage.cases.list(statuses=("closed",))
    assert [c.conversation_id for c in closed] == ["conv-closed"]
