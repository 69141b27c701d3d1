"""One conversation whose stored state cannot be read is handed off; the others carry on.

The damage is done in the real checkpoint tables with SQL (garbage over a blob, or a state
that deserialises but no longer validates), between two agents on the same data, as a disk
fault or a bad migration between two releases would leave it.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from resolution_agent.agent import ResolutionAgent
from resolution_agent.agent.errors import DamagedConversationError
from resolution_agent.agent.graph import checkpoint_serializer
from tests.faults.conftest import OpenAgent, sqlite_rows

CUSTOMER = "cus_1001"
STOLEN = "someone nicked my purse with my card in it"
GARBAGE = bytes.fromhex("c1c1deadbeef00ff") * 8
RULE = "ESC-DAMAGED-CONVERSATION"


async def _two_conversations(agent: ResolutionAgent) -> None:
    """Both wait for a yes to cancel the stolen card; one of them is about to be damaged."""
    for conversation_id in ("damaged", "healthy"):
        asked = await agent.handle_message(conversation_id, CUSTOMER, STOLEN)
        assert asked.status == "awaiting_customer" and "yes or no" in asked.text


async def _assert_handed_off_with_the_message_kept(agent: ResolutionAgent) -> None:
    with pytest.raises(DamagedConversationError):  # reading changes nothing
        await agent.get_conversation("damaged")

    reply = await agent.handle_message("damaged", CUSTOMER, "are you still there?")

    assert reply.status == "handed_off"
    assert reply.handoff is not None
    assert [r.rule_id for r in reply.handoff.reasons] == [RULE]
    assert (reply.handoff.queue, reply.handoff.priority) == ("general", "high")
    conversation = await agent.get_conversation("damaged")
    assert [(m.role, m.text) for m in conversation.transcript] == [
        ("customer", "are you still there?"),
        ("agent", reply.text),
    ]
    [case] = await agent.list_cases()
    assert case.conversation_id == "damaged" and case.status == "queued"
    events = await agent.audit_events("damaged")
    assert [e.rule_id for e in events if e.kind == "escalation"] == [RULE]

    later = await agent.handle_message("damaged", CUSTOMER, "hello?")  # kept for the COp
    assert later.status == "handed_off"
    conversation = await agent.get_conversation("damaged")
    assert [m.text for m in conversation.transcript if m.role == "customer"] == [
        "are you still there?",
        "hello?",
    ]

    other = await agent.handle_message("healthy", CUSTOMER, "yes please")
    assert other.status == "resolved"
    assert [a.tool for a in other.actions] == ["cancel_card"]


def _latest(path: Path, thread_id: str) -> str:
    [(checkpoint_id,)] = sqlite_rows(
        path,
        "SELECT MAX(checkpoint_id) FROM checkpoints WHERE thread_id = ?",
        thread_id,
    )
    return str(checkpoint_id)


async def test_garbage_in_a_sqlite_checkpoint_blob_hands_that_conversation_off(
    open_agent: OpenAgent, tmp_path: Path
) -> None:
    async with open_agent() as agent:
        await _two_conversations(agent)
    path = tmp_path / "data" / "checkpoints.sqlite"
    latest = _latest(path, "damaged")
    sqlite_rows(
        path,
        "UPDATE checkpoints SET checkpoint = ? WHERE thread_id = ? AND checkpoint_id = ?",
        GARBAGE,
        "damaged",
        latest,
    )

    async with open_agent() as agent:
        await _assert_handed_off_with_the_message_kept(agent)

    [(kept_as, blob)] = sqlite_rows(
        path,
        "SELECT thread_id, checkpoint FROM checkpoints WHERE checkpoint_id = ?",
        latest,
    )
    assert kept_as.startswith("damaged#damaged-") and blob == GARBAGE  # kept to investigate


async def test_a_stored_state_that_no_longer_validates_hands_that_conversation_off(
    open_agent: OpenAgent, tmp_path: Path
) -> None:
    async with open_agent() as agent:
        await _two_conversations(agent)
    path = tmp_path / "data" / "checkpoints.sqlite"
    latest = _latest(path, "damaged")
    serde = checkpoint_serializer()
    [(kind, blob)] = sqlite_rows(
        path, "SELECT type, checkpoint FROM checkpoints WHERE checkpoint_id = ?", latest
    )
    checkpoint = serde.loads_typed((kind, blob))
    checkpoint["channel_values"]["status"] = "on_fire"  # no such status in this release
    sqlite_rows(
        path,
        "UPDATE checkpoints SET type = ?, checkpoint = ? WHERE checkpoint_id = ?",
        *serde.dumps_typed(checkpoint),
        latest,
    )

    async with open_agent() as agent:
        await _assert_handed_off_with_the_message_kept(agent)


@pytest.mark.postgres
async def test_garbage_in_a_postgres_checkpoint_blob_hands_that_conversation_off(
    open_agent: OpenAgent, database_url: str
) -> None:
    async with open_agent(database_url=database_url) as agent:
        await _two_conversations(agent)
    with psycopg.connect(database_url, autocommit=True) as db:
        damaged = db.execute(
            "UPDATE checkpoint_blobs SET blob = %s WHERE thread_id = 'damaged' "
            "AND channel = 'this_turn'",  # stored whole at every step (the lists are deltas)
            (GARBAGE,),
        ).rowcount
    assert damaged > 0

    async with open_agent(database_url=database_url) as agent:
        await _assert_handed_off_with_the_message_kept(agent)

    with psycopg.connect(database_url, autocommit=True) as db:
        kept = db.execute(
            "SELECT DISTINCT thread_id FROM checkpoint_blobs WHERE blob = %s", (GARBAGE,)
        ).fetchall()
    assert [row[0].split("#damaged-")[0] for row in kept] == ["damaged"]  # set aside, kept
