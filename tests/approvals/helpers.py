"""Shared by the approval tests and the console's: a real over-limit hand-off with a proposal.

The case is made by a real customer message the agent hands off because the dispute is over
raise_dispute's limit, so the proposal is the one the agent really stores. The roster is the
project's own with its first three COps renamed to the console tests' logins.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path

import yaml

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.desk.proposals import Proposal
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.tools.mockbank import MockBank, apply_patch, load_seed

CLOCK = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
CONVERSATION = "conv-watch"
CUSTOMER = "cus_1017"
TRANSACTION = "txn_1017_900"
MESSAGE = "I don't recognise a card payment of £3,200 to LUXE WATCHES GENEVA, I never made it"
COPS = ("cop_alice", "cop_bob", "cop_sam")
OVER_LIMIT = {
    "transactions": [
        {
            "id": TRANSACTION,
            "account_id": "acc_1017a",
            "card_id": "card_1017a",
            "amount": -320000,
            "currency": "GBP",
            "merchant": "LUXE WATCHES GENEVA",
            "status": "settled",
            "created_at": "2026-11-26T03:12:00+00:00",
        }
    ]
}


def roster(folder: Path) -> Path:
    """The project's roster with its first COps renamed to :data:`COPS`."""
    data = yaml.safe_load((PROJECT_ROOT / "fixtures" / "routing" / "roster.yaml").read_text())
    for cop, name in zip(data["cops"], COPS, strict=False):
        cop["id"] = name
    path = folder / "roster.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def settings(folder: Path) -> Settings:
    return Settings(
        data_dir=folder, clock=CLOCK, model=None, bank_url=None, cops_roster=roster(folder)
    )


def bank() -> MockBank:
    state = copy.deepcopy(load_seed(PROJECT_ROOT / "fixtures", "default"))
    apply_patch(state, OVER_LIMIT, source="tests/approvals")
    return MockBank(state)


async def over_limit_hand_off(agent: ResolutionAgent) -> Proposal:
    """The customer's over-limit dispute, handed off; the agent's one proposal on the case."""
    reply = await agent.handle_message(CONVERSATION, CUSTOMER, MESSAGE)
    assert reply.handoff is not None and reply.handoff.queue == "disputes", reply
    [proposal] = await agent.list_proposals(CONVERSATION)
    return proposal
