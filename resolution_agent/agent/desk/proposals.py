"""Proposed actions: a tool call the agent may not make alone, waiting on a COp's decision.

A call over a tool's amount limit (rule ``LIMIT-AMOUNT``) or of a tool that
``policies/tools.yaml`` marks ``staff_approval`` (rule ``APPROVAL-REQUIRED``) is handed off
with a proposal on its case: what to run, why it stopped, who proposed it. A COp may also
propose a call on a case they work. A proposal is decided once: ``pending`` becomes
``rejected``, or ``approved`` and then ``executed`` or ``failed`` when the bank answers.
:class:`ProposalStore` keeps them beside the cases (:mod:`agent.storage.proposals`); a
decision is a compare-and-set on the status, so two COps (or two workers) racing to decide
the same proposal cannot both win.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, JsonValue

from resolution_agent.agent.policies import Policies
from resolution_agent.agent.state import ConversationState, ToolCall

ProposalStatus = Literal["pending", "approved", "executed", "failed", "rejected"]

#: The audit rule ids of a proposal's life, read back by the shadow report and the eval checks.
PROPOSAL_MADE = "PROPOSAL-MADE"
PROPOSAL_APPROVED = "PROPOSAL-APPROVED"
PROPOSAL_REJECTED = "PROPOSAL-REJECTED"

#: Who proposed a call the agent stopped at: not a COp, so any COp on the roster may approve.
AGENT = "agent"


class Proposal(BaseModel):
    """One proposed tool call on a case, and what became of it."""

    model_config = ConfigDict(frozen=True)

    id: str
    conversation_id: str
    call: ToolCall
    rule_id: str  # why the agent could not run it alone (LIMIT-AMOUNT, ...), or COP-PROPOSED
    reason: str
    proposer: str  # AGENT, or the proposing COp's id
    four_eyes: bool  # the tool's policy: the proposer may not approve their own proposal
    status: ProposalStatus
    turn: int  # the conversation's turn it was proposed in
    created_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str = ""  # the deciding COp's reason (kept for staff, never sent to the customer)
    outcome: str | None = None  # the bank's answer once executed: ok | failed | unknown


def proposal_id(conversation_id: str, turn: int, proposer: str, call: ToolCall) -> str:
    """The same call proposed again in the same turn by the same proposer has the same id, so
    a hand-off replayed after a crash stores its proposal once."""
    key = f"{conversation_id}:{turn}:{proposer}:{call.fingerprint()}"
    return "prop_" + hashlib.sha256(key.encode()).hexdigest()[:16]


def audit_detail(proposal: Proposal) -> dict[str, JsonValue]:
    """A proposal's audit detail: ids and names only, never a COp's free-text reason."""
    return {
        "proposal": proposal.id,
        "rule": proposal.rule_id,
        "tool": proposal.call.tool,
        "args": dict(proposal.call.args),
        "proposer": proposal.proposer,
        "cop": proposal.decided_by or proposal.proposer,
        "status": proposal.status,
    }


def proposal_of_hand_off(
    state: ConversationState, policies: Policies, now: datetime
) -> Proposal | None:
    """The agent's proposal when this turn's hand-off is the action guard stopping a call that
    needs a person (verdict "escalate"); None for any other hand-off."""
    guard = state.this_turn.guard
    if guard is None or guard.verdict != "escalate" or guard.call is None:
        return None
    if guard.turn != state.turn:
        return None
    return Proposal(
        id=proposal_id(state.conversation_id, state.turn, AGENT, guard.call),
        conversation_id=state.conversation_id,
        call=guard.call,
        rule_id=guard.rule_id,
        reason=guard.reason,
        proposer=AGENT,
        four_eyes=policies.tools[guard.call.tool].four_eyes,
        status="pending",
        turn=state.turn,
        created_at=now,
    )


class ProposalStore(Protocol):
    """The proposals, keyed by id and listed per conversation (oldest first)."""

    async def add(self, proposal: Proposal) -> None:
        """Store a new proposal; one whose id is stored already is left as it is."""
        ...

    async def get(self, proposal_id: str) -> Proposal | None: ...

    async def of_conversation(self, conversation_id: str) -> list[Proposal]: ...

    async def replace(self, proposal: Proposal, *, expected: ProposalStatus) -> bool:
        """Store ``proposal`` over the stored one only if that one's status is still
        ``expected``; False (nothing changed) when another decision got there first."""
        ...
