"""Real cases for the decision-aid tests: customers' messages handed off by the agent, and COps
who claim, reply and close through the API, as on a desk."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.vocabulary import ResolutionCode

CLOCK = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
SCAM_CLOSED = "conv-scam-closed"
SCAM_OPEN = "conv-scam-open"
COMPLAINT_CLOSED = "conv-complaint-closed"
BEREAVEMENT_OPEN = "conv-bereavement-open"
SCAM_CLOSING = "Thank you for telling us. We have checked your account and nothing left it."
COMPLAINT_CLOSING = "Your complaint is logged; our complaints team will write to you."

HANDOFFS = [
    (
        SCAM_CLOSED,
        "cus_1008",
        "someone rang pretending to be from the bank and told me to move my money to a safe "
        "account",
    ),
    (
        SCAM_OPEN,
        "cus_1006",
        "a man called saying he was from Kestrel fraud team and I had to transfer my savings to "
        "a new safe account",
    ),
    (COMPLAINT_CLOSED, "cus_1002", "I want to make a formal complaint"),
    (BEREAVEMENT_OPEN, "cus_1003", "my husband passed away last week and I need help"),
]


def settings(data_dir: Path) -> Settings:
    """SQLite under ``data_dir`` (a second agent on it reads the same desk), a fixed clock."""
    return Settings(data_dir=data_dir, clock=CLOCK, reply_detector="off")


async def desk_with_history(agent: ResolutionAgent) -> None:
    """Four handed-off cases; the first scam and the complaint worked and closed by cop_alice."""
    for conversation_id, customer_id, text in HANDOFFS:
        reply = await agent.handle_message(conversation_id, customer_id, text)
        assert reply.status == "handed_off", conversation_id
    closings: list[tuple[str, str, ResolutionCode]] = [
        (SCAM_CLOSED, SCAM_CLOSING, "no_action_needed"),
        (COMPLAINT_CLOSED, COMPLAINT_CLOSING, "referred_elsewhere"),
    ]
    for conversation_id, words, code in closings:
        await agent.claim_case(conversation_id, "cop_alice")
        await agent.cop_reply(conversation_id, "cop_alice", words)
        await agent.close_case(conversation_id, "cop_alice", code)
