"""A flaky or broken bank: retried safely, never double-executed, never claimed as done."""

from __future__ import annotations

from resolution_agent.agent import ResolutionAgent
from resolution_agent.tools.mockbank import FaultRule
from tests.agent.conftest import OpenAgent, bank_of, card_status

CUSTOMER = "cus_1001"
LOST = "I've lost my card"


async def test_a_freeze_answered_503_twice_runs_exactly_once_under_one_idempotency_key(
    agent: ResolutionAgent,
) -> None:
    bank = bank_of(agent)
    bank.faults.add(FaultRule(endpoint="freeze_card", status=503, times=2))

    reply = await agent.handle_message("conv-flaky", CUSTOMER, LOST)

    assert bank.calls["freeze_card"] == 3
    assert len(bank.idempotency) == 1  # freeze is the only write of this conversation
    [(key, (_fingerprint, status, body))] = bank.idempotency.items()
    assert key.startswith("conv-flaky:")
    assert status == 200
    assert b'"status":"frozen"' in body
    freezes = [
        e
        for e in await agent.audit_events("conv-flaky")
        if e.kind == "tool_call" and e.detail.get("tool") == "freeze_card"
    ]
    assert len(freezes) == 1
    assert freezes[0].detail["attempts"] == 3
    assert freezes[0].detail["idempotency_key"] == key
    assert card_status(bank, "card_1001a") == "frozen"
    assert reply.status == "awaiting_customer"
    assert "frozen" in reply.text.lower()
    assert [(a.tool, a.outcome) for a in reply.actions] == [
        ("list_cards", "succeeded"),
        ("freeze_card", "succeeded"),
    ]


async def test_a_freeze_that_keeps_failing_hands_off_without_claiming_the_card_is_frozen(
    agent: ResolutionAgent,
) -> None:
    bank = bank_of(agent)
    bank.faults.add(FaultRule(endpoint="freeze_card", status=503, times=0))

    reply = await agent.handle_message("conv-down", CUSTOMER, LOST)

    assert reply.status == "handed_off"
    assert "frozen" not in reply.text.lower()
    assert "freeze" not in reply.text.lower()
    assert card_status(bank, "card_1001a") == "active"
    assert bank.calls["freeze_card"] == 3  # every attempt allowed, then it gives up
    assert bank.calls["cancel_card"] == 0
    assert reply.handoff is not None
    assert reply.handoff.queue == "cards"
    assert [r.rule_id for r in reply.handoff.reasons] == ["ESC-TOOL-FAILURE"]
    failed = [a for a in reply.handoff.actions if a.outcome == "failed"]
    assert [a.tool for a in failed] == ["freeze_card"]
    assert "503" in failed[0].detail
    assert [(a.tool, a.outcome) for a in reply.actions] == [
        ("list_cards", "succeeded"),
        ("freeze_card", "failed"),
    ]
    conversation = await agent.get_conversation("conv-down")
    assert conversation.status == "handed_off"
    assert all("frozen" not in m.text.lower() for m in conversation.transcript)


async def test_garbage_from_the_bank_hands_off_as_a_tool_failure(agent: ResolutionAgent) -> None:
    bank = bank_of(agent)
    bank.faults.add(FaultRule(endpoint="list_cards", status=None, times=0, body="garbage"))

    reply = await agent.handle_message("conv-garbage", CUSTOMER, LOST)

    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert reply.handoff.queue == "cards"
    assert [r.rule_id for r in reply.handoff.reasons] == ["ESC-TOOL-FAILURE"]
    assert [(a.tool, a.outcome) for a in reply.actions] == [("list_cards", "failed")]
    assert "schema" in reply.actions[0].detail
    assert bank.calls["freeze_card"] == 0
    assert card_status(bank, "card_1001a") == "active"


async def test_a_refused_write_hands_off_and_changes_nothing(agent: ResolutionAgent) -> None:
    bank = bank_of(agent)
    bank.faults.add(FaultRule(endpoint="freeze_card", status=409, times=1))

    reply = await agent.handle_message("conv-refused", CUSTOMER, LOST)

    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert [r.rule_id for r in reply.handoff.reasons] == ["ESC-TOOL-REJECTED"]
    assert bank.calls["freeze_card"] == 1  # a 4xx answer is final: no retry
    assert card_status(bank, "card_1001a") == "active"
    assert "frozen" not in reply.text.lower()


async def test_a_bank_slower_than_the_timeout_hands_off(open_agent: OpenAgent) -> None:
    async with open_agent(bank_timeout_s=0.05) as agent:
        bank = bank_of(agent)
        bank.faults.add(FaultRule(endpoint="list_cards", status=None, times=0, latency_ms=250))

        reply = await agent.handle_message("conv-slow", CUSTOMER, LOST)
        events = await agent.audit_events("conv-slow")

        assert reply.status == "handed_off"
        assert reply.handoff is not None
        assert [r.rule_id for r in reply.handoff.reasons] == ["ESC-TOOL-FAILURE"]
        assert card_status(bank, "card_1001a") == "active"
        [call] = [e for e in events if e.kind == "tool_call"]
        # each attempt gave up at the client's timeout (not a wall-clock check: machines vary)
        assert (call.rule_id, call.detail["attempts"]) == ("TOOL-TIMEOUT", 3)
