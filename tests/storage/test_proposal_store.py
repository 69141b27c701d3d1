"""The proposal store on every backend: stored once, listed per case, decided exactly once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from resolution_agent.agent.desk.proposals import AGENT, Proposal, proposal_id
from resolution_agent.agent.state import ToolCall
from resolution_agent.agent.storage import Storage

AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
CALL = ToolCall(tool="raise_dispute", args={"transaction_id": "txn_1", "reason": "fraud"})


def _proposal(conversation_id: str = "conv-1", turn: int = 1, minutes: int = 0) -> Proposal:
    return Proposal(
        id=proposal_id(conversation_id, turn, AGENT, CALL),
        conversation_id=conversation_id,
        call=CALL,
        rule_id="LIMIT-AMOUNT",
        reason="amount 320000 over the limit 250000",
        proposer=AGENT,
        four_eyes=True,
        status="pending",
        turn=turn,
        created_at=AT + timedelta(minutes=minutes),
    )


async def test_a_proposal_is_stored_once_and_listed_with_its_case(storage: Storage) -> None:
    first, second = _proposal(turn=1), _proposal(turn=2, minutes=5)
    await storage.proposals.add(first)
    await storage.proposals.add(first.model_copy(update={"reason": "replayed"}))
    await storage.proposals.add(second)
    await storage.proposals.add(_proposal("conv-2"))

    assert await storage.proposals.of_conversation("conv-1") == [first, second]
    assert await storage.proposals.get(first.id) == first
    assert await storage.proposals.get("prop_missing") is None


async def test_of_two_racing_decisions_exactly_one_is_stored(storage: Storage) -> None:
    pending = _proposal()
    await storage.proposals.add(pending)
    decisions = [
        pending.model_copy(update={"status": "approved", "decided_by": cop})
        for cop in ("cop_a", "cop_b")
    ]

    won = await asyncio.gather(
        *(storage.proposals.replace(d, expected="pending") for d in decisions)
    )

    assert sorted(won) == [False, True]
    stored = await storage.proposals.get(pending.id)
    assert stored == decisions[won.index(True)]
