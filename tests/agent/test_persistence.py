"""Conversations survive a restart with the same settings; memory mode writes no files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.tools.mockbank import MockBank
from tests.agent.conftest import OpenAgent, bank_of, card_status

CUSTOMER = "cus_1001"


async def test_a_conversation_continues_after_the_agent_restarts_on_the_same_data_dir(
    open_agent: OpenAgent, new_bank: Callable[[], MockBank], tmp_path: Path
) -> None:
    bank = new_bank()  # the same bank before and after, as a real bank would be
    async with open_agent(mock_bank=bank) as first:
        asked = await first.handle_message("conv-restart", CUSTOMER, "I've lost my card")
        assert asked.status == "awaiting_customer"
        assert card_status(bank, "card_1001a") == "frozen"
    assert (tmp_path / "checkpoints.sqlite").exists()

    async with open_agent(mock_bank=bank) as second:
        reply = await second.handle_message("conv-restart", CUSTOMER, "yes")
        conversation = await second.get_conversation("conv-restart")

    assert reply.status == "resolved"
    assert [(a.tool, a.outcome) for a in reply.actions] == [("cancel_card", "succeeded")]
    assert card_status(bank, "card_1001a") == "cancelled"
    assert bank.calls["cancel_card"] == 1
    assert bank.calls["freeze_card"] == 1  # nothing was replayed on resume
    assert [m.role for m in conversation.transcript] == ["customer", "agent"] * 2
    assert conversation.transcript[0].text == "I've lost my card"
    assert [a.tool for a in conversation.actions] == ["list_cards", "freeze_card", "cancel_card"]


async def test_a_restarted_agent_still_knows_who_owns_a_conversation(
    open_agent: OpenAgent, new_bank: Callable[[], MockBank]
) -> None:
    bank = new_bank()
    async with open_agent(mock_bank=bank) as first:
        await first.handle_message("conv-owned", CUSTOMER, "hello")

    async with open_agent(mock_bank=bank) as second:
        conversation = await second.get_conversation("conv-owned")

    assert conversation.customer_id == CUSTOMER
    assert conversation.transcript[0].text == "hello"


async def test_the_memory_checkpointer_continues_a_conversation_and_writes_no_files(
    memory_agent: ResolutionAgent, tmp_path: Path
) -> None:
    bank = bank_of(memory_agent)
    await memory_agent.handle_message("conv-mem", CUSTOMER, "I've lost my card")

    reply = await memory_agent.handle_message("conv-mem", CUSTOMER, "yes")

    assert reply.status == "resolved"
    assert card_status(bank, "card_1001a") == "cancelled"
    assert list(tmp_path.iterdir()) == []


async def test_an_agent_opened_with_settings_only_runs_its_own_mock_bank(
    make_settings: Callable[..., Settings],
) -> None:
    async with ResolutionAgent(make_settings(checkpointer="memory")) as agent:
        reply = await agent.handle_message("conv-plain", CUSTOMER, "I've lost my card")
        bank = bank_of(agent)

    assert reply.status == "awaiting_customer"
    assert card_status(bank, "card_1001a") == "frozen"
