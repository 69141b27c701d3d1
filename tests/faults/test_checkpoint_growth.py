"""What a turn stores does not grow with the conversation, and nothing of it is lost.

The transcript, actions, guard log and fired rules are stored as the entries each step added
(``agent.state``), copied whole every ``FULL_COPY_EVERY_TURNS`` turns and before retention
deletes older checkpoints (``agent.storage.snapshots``). Measured on the SQLite tables with
plain SQL, read back through the public API.
"""

from __future__ import annotations

from pathlib import Path

from resolution_agent.agent import ResolutionAgent
from resolution_agent.agent.state import FULL_COPY_EVERY_TURNS
from tests.faults.conftest import OpenAgent, sqlite_rows

CUSTOMER = "cus_1001"
LOST = "I've lost my card, I think I left it on the bus"


def stored_bytes(data_dir: Path, thread_id: str) -> int:
    """Bytes of the conversation's checkpoints and pending writes in checkpoints.sqlite."""
    file = data_dir / "checkpoints.sqlite"
    [(checkpoints,)] = sqlite_rows(
        file,
        "SELECT SUM(LENGTH(checkpoint) + LENGTH(metadata)) FROM checkpoints WHERE thread_id = ?",
        thread_id,
    )
    [(writes,)] = sqlite_rows(
        file, "SELECT SUM(LENGTH(value)) FROM writes WHERE thread_id = ?", thread_id
    )
    return int(checkpoints or 0) + int(writes or 0)


async def lost_card_turn(agent: ResolutionAgent, conversation_id: str) -> None:
    bank = agent.mock_bank
    assert bank is not None
    card = bank.state.cards["card_1001a"]
    bank.state.cards["card_1001a"] = card.model_copy(update={"status": "active"})
    reply = await agent.handle_message(conversation_id, CUSTOMER, LOST)
    assert [a.tool for a in reply.actions][-1:] == ["freeze_card"], reply.text


async def test_a_late_turn_stores_no_more_bytes_than_an_early_one(
    open_agent: OpenAgent, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    added: dict[int, int] = {}
    async with open_agent() as agent:
        for turn in range(1, 11):
            before = stored_bytes(data, "long")
            await lost_card_turn(agent, "long")
            added[turn] = stored_bytes(data, "long") - before

    assert 3 % FULL_COPY_EVERY_TURNS and 10 % FULL_COPY_EVERY_TURNS  # neither copies whole
    # every step used to store the whole state again: turn 10 stored ~4x what turn 3 did
    assert added[10] <= added[3] * 1.05, added


async def test_the_lists_read_back_whole_across_full_copies_and_pruning(
    open_agent: OpenAgent,
) -> None:
    turns = 2 * FULL_COPY_EVERY_TURNS + 1
    async with open_agent() as agent:
        for _ in range(turns):
            await lost_card_turn(agent, "kept")
        before = await agent.get_conversation("kept")

        await agent.prune_checkpoints()

        after = await agent.get_conversation("kept")
        assert after.transcript == before.transcript
        assert [m.turn for m in after.transcript] == [t for t in range(1, turns + 1) for _ in "ab"]
        await lost_card_turn(agent, "kept")
        last = await agent.get_conversation("kept")
        assert last.transcript[: 2 * turns] == before.transcript
        assert len(last.transcript) == 2 * turns + 2
        events = [e for e in await agent.audit_events("kept") if e.kind == "tool_call"]
        assert len(events) == 2 * (turns + 1)  # list_cards and freeze_card each turn
