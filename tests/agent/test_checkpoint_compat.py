"""Checkpoints written by an earlier release still load and the conversation goes on.

``checkpoints/v0.1.0-lost-card.db`` was written by release 0.1.0 (commit 44e260c): customer
``cus_1001`` reported a lost card in ``conv-v0``; the agent froze card ``card_1001a`` and asked
whether to cancel it. A state change that cannot read it breaks every open conversation of a
bank that upgrades, so this file is never regenerated: a new release adds a file of its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from resolution_agent.tools.mockbank import MockBank
from tests.agent.conftest import OpenAgent, card_status

V0 = Path(__file__).parent / "checkpoints" / "v0.1.0-lost-card.db"


async def test_a_conversation_checkpointed_by_release_0_1_0_continues_to_the_cancellation(
    open_agent: OpenAgent, new_bank: Callable[[], MockBank], tmp_path: Path
) -> None:
    shutil.copyfile(V0, tmp_path / "checkpoints.sqlite")
    bank = new_bank()
    async with open_agent(mock_bank=bank) as agent:
        before = await agent.get_conversation("conv-v0")
        reply = await agent.handle_message("conv-v0", "cus_1001", "yes")
        after = await agent.get_conversation("conv-v0")

    assert before.customer_id == "cus_1001"
    assert [m.role for m in before.transcript] == ["customer", "agent"]
    assert [a.tool for a in before.actions] == ["list_cards", "freeze_card"]
    assert reply.status == "resolved"
    assert [(a.tool, a.outcome) for a in reply.actions] == [("cancel_card", "succeeded")]
    assert card_status(bank, "card_1001a") == "cancelled"
    assert bank.calls.get("freeze_card", 0) == 0  # nothing from the old turn ran again
    assert [m.role for m in after.transcript] == ["customer", "agent"] * 2
    assert after.transcript[0].text == "I've lost my card"
