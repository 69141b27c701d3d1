"""After a handoff the queue owns the conversation, and all of it survives a restart.

The customer's further messages are appended and the agent acts no more; a COp claims,
replies and closes through the async API; every step is read back by a *new* agent on the same
data folder (SQLite checkpoints and case store), as after a deploy.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from resolution_agent.agent import ResolutionAgent, Settings

CLOCK = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
CONVERSATION = "conv-scam"
CUSTOMER = "cus_1008"
SCAM = "someone rang pretending to be from the bank and told me to move my money to a safe account"
FOLLOW_UP = "also please freeze my card"
COP_TEXT = "Hello, I'm from the fraud team. Please don't move any money; I'm looking at it now."


def settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, clock=CLOCK)  # SQLite checkpoints and cases (default)


async def test_follow_ups_are_kept_silently_and_claim_reply_close_survive_restarts(
    tmp_path: Path,
) -> None:
    async with ResolutionAgent(settings(tmp_path)) as agent:
        handed = await agent.handle_message(CONVERSATION, CUSTOMER, SCAM)
        follow = await agent.handle_message(CONVERSATION, CUSTOMER, FOLLOW_UP)
        bank = agent.mock_bank
        assert bank is not None
        assert bank.calls["freeze_card"] == 0
        await agent.claim_case(CONVERSATION, "cop_alice")

    assert handed.status == "handed_off"
    assert handed.handoff is not None and handed.handoff.queue == "fincrime"
    assert follow.status == "handed_off"
    assert follow.actions == []
    assert follow.handoff is None or follow.handoff == handed.handoff

    async with ResolutionAgent(settings(tmp_path)) as agent:
        claimed = await agent.get_case(CONVERSATION)
        await agent.cop_reply(CONVERSATION, "cop_alice", COP_TEXT)

    assert (claimed.status, claimed.owner) == ("claimed", "cop_alice")
    assert claimed.summary == handed.handoff

    async with ResolutionAgent(settings(tmp_path)) as agent:
        conversation = await agent.get_conversation(CONVERSATION)
        await agent.close_case(CONVERSATION, "cop_alice", "no_action_needed")

    lines = [(m.role, m.text) for m in conversation.transcript]
    assert lines[0] == ("customer", SCAM)
    assert ("customer", FOLLOW_UP) in lines
    assert lines[-1] == ("cop", COP_TEXT)
    customer_turns = [i for i, (role, _) in enumerate(lines) if role == "customer"]
    # The follow-up got no agent answer of substance: at most the "added to your case" note.
    after_follow_up = lines[customer_turns[-1] + 1 : -1]
    assert all(role == "agent" and "added your message" in text for role, text in after_follow_up)
    assert conversation.status == "handed_off"

    async with ResolutionAgent(settings(tmp_path)) as agent:
        closed = await agent.get_case(CONVERSATION)
        reopened = await agent.get_conversation(CONVERSATION)
        queue = await agent.list_cases()
        events = await agent.audit_events(CONVERSATION)

    assert (closed.status, closed.owner, closed.resolution_code) == (
        "closed",
        "cop_alice",
        "no_action_needed",
    )
    assert reopened.status == "resolved"
    assert CONVERSATION not in [c.conversation_id for c in queue]
    assert ("escalation", "CASE-CLOSED") in [(e.kind, e.rule_id) for e in events]
