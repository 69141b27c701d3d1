"""Exactly-once turns: one reply per channel message id, one bank execution per logical call.

A channel redelivers a message when it did not get the reply (a timeout, a lost response, a
worker that died). The redelivery must get the first reply and run nothing again; a turn a
crash interrupted must be finished from its checkpoint, with writes already sent not sent
under a new idempotency key.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.errors import InvalidRequestError
from resolution_agent.agent.planning import PlanningContext
from resolution_agent.agent.planning.offline import OfflinePlanner
from resolution_agent.agent.state import ConversationState, Proposal
from resolution_agent.tools.mockbank import MockBank
from resolution_agent.tools.mockbank.faults import FaultRule
from tests.agent.conftest import OpenAgent, bank_of


async def test_a_redelivered_message_gets_the_first_reply_and_runs_nothing(
    agent: ResolutionAgent,
) -> None:
    first = await agent.handle_message(
        "c-once", "cus_1001", "I've lost my card", message_id="m-1", channel="app"
    )
    again = await agent.handle_message(
        "c-once", "cus_1001", "I've lost my card", message_id="m-1", channel="app"
    )
    conversation = await agent.get_conversation("c-once")

    assert again == first
    assert bank_of(agent).calls["freeze_card"] == 1
    assert [m.role for m in conversation.transcript] == ["customer", "agent"]
    assert conversation.transcript[0].message_id == "app:m-1"


async def test_the_same_id_from_another_channel_is_another_message(
    agent: ResolutionAgent,
) -> None:
    await agent.handle_message("c-two", "cus_1001", "hello", message_id="m-1", channel="app")
    await agent.handle_message("c-two", "cus_1001", "hello", message_id="m-1", channel="web")
    conversation = await agent.get_conversation("c-two")
    assert [m.role for m in conversation.transcript] == ["customer", "agent"] * 2


async def test_concurrent_deliveries_of_one_message_run_one_turn(
    agent: ResolutionAgent,
) -> None:
    replies = await asyncio.gather(
        *[
            agent.handle_message(
                "c-race", "cus_1001", "I've lost my card", message_id="m-9", channel="app"
            )
            for _ in range(4)
        ]
    )
    assert all(r == replies[0] for r in replies)
    assert bank_of(agent).calls["freeze_card"] == 1
    assert len((await agent.get_conversation("c-race")).transcript) == 2


async def test_the_idempotency_key_names_the_message_not_the_position(
    agent: ResolutionAgent,
) -> None:
    await agent.handle_message(
        "c-key", "cus_1001", "I've lost my card", message_id="m-7", channel="app"
    )
    events = await agent.audit_events("c-key")
    [freeze] = [e for e in events if e.kind == "tool_call" and e.detail["tool"] == "freeze_card"]
    assert str(freeze.detail["idempotency_key"]).startswith("c-key:app:m-7:")


@pytest.mark.parametrize("bad", ["m-1\n", "", "m 1", "x" * 200])
async def test_a_malformed_message_id_is_refused(agent: ResolutionAgent, bad: str) -> None:
    with pytest.raises(InvalidRequestError):
        await agent.handle_message("c-bad", "cus_1001", "hello", message_id=bad)


class WorkerDied(BaseException):
    """The worker process ending under the turn (SIGKILL, OOM): nothing after it runs."""


class DiesAfterTheFreeze:
    """The offline planner in a worker that dies (once) right after the card was frozen."""

    def __init__(self) -> None:
        self.inner = OfflinePlanner()
        self.died = False

    async def plan(self, state: ConversationState, ctx: PlanningContext) -> Proposal:
        frozen = any(a.call.tool == "freeze_card" and a.ok for a in state.turn_actions())
        if frozen and not self.died:
            self.died = True
            raise WorkerDied
        return await self.inner.plan(state, ctx)


async def test_a_turn_killed_after_a_write_is_resumed_not_run_again(
    open_agent: OpenAgent,
) -> None:
    planner = DiesAfterTheFreeze()
    async with open_agent(planner=planner) as agent:
        with pytest.raises(WorkerDied):
            await agent.handle_message(
                "c-crash", "cus_1001", "I've lost my card", message_id="m-1", channel="app"
            )
        assert bank_of(agent).calls["freeze_card"] == 1
        reply = await agent.handle_message(
            "c-crash", "cus_1001", "I've lost my card", message_id="m-1", channel="app"
        )
        conversation = await agent.get_conversation("c-crash")

    assert reply.status == "awaiting_customer"  # asks whether to cancel, as an unbroken turn
    assert "freeze_card" in [a.tool for a in reply.actions]
    assert bank_of(agent).calls["freeze_card"] == 1  # resumed past it, not frozen again
    assert [m.role for m in conversation.transcript] == ["customer", "agent"]


async def test_a_caller_that_times_out_does_not_abandon_the_turn(
    open_agent: OpenAgent, new_bank: Callable[[], MockBank]
) -> None:
    bank = new_bank()
    bank.faults.add(FaultRule(endpoint="freeze_card", status=None, latency_ms=300, times=1))
    async with open_agent(mock_bank=bank) as agent:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(
                agent.handle_message("c-late", "cus_1001", "I've lost my card"), timeout=0.1
            )
        for _ in range(200):  # the turn goes on without its caller; wait for its reply
            conversation = await agent.get_conversation("c-late")
            if len(conversation.transcript) == 2:
                break
            await asyncio.sleep(0.05)

    assert bank.calls["freeze_card"] == 1
    assert [m.role for m in conversation.transcript] == ["customer", "agent"]
    assert conversation.status == "awaiting_customer"  # the freeze done, cancelling asked
    assert [a.tool for a in conversation.actions] == ["list_cards", "freeze_card"]
