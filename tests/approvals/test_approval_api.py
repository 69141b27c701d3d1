"""Staff approval through the API: a real over-limit hand-off, decided by COps.

Each test acts through the agent's public methods and checks what a bank, an auditor and the
customer would see: the bank's disputes, the audit trail, the transcript and the outbox.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from resolution_agent.agent import ResolutionAgent
from resolution_agent.agent.errors import (
    CaseConflictError,
    InvalidRequestError,
    ProposalConflictError,
    UnknownConversationError,
    UnknownProposalError,
)
from resolution_agent.tools.mockbank import MockBank
from tests.approvals.helpers import CONVERSATION, TRANSACTION, over_limit_hand_off


def _disputes_of(bank: MockBank) -> list[str]:
    return [d.id for d in bank.state.disputes.values() if d.transaction_id == TRANSACTION]


async def _notices(agent: ResolutionAgent) -> list[dict[str, str]]:
    return [json.loads(d.payload) for d in await agent.deliveries.since(CONVERSATION, 0, 50)]


async def test_an_over_limit_dispute_is_handed_off_with_a_pending_proposal(
    agent: ResolutionAgent, mock_bank: MockBank
) -> None:
    proposal = await over_limit_hand_off(agent)

    assert (proposal.call.tool, proposal.call.args["transaction_id"]) == (
        "raise_dispute",
        TRANSACTION,
    )
    assert (proposal.status, proposal.proposer, proposal.rule_id) == (
        "pending",
        "agent",
        "LIMIT-AMOUNT",
    )
    assert proposal.four_eyes and "over the limit" in proposal.reason
    assert _disputes_of(mock_bank) == []


async def test_approval_runs_the_call_once_through_guard_and_audit_and_tells_the_customer(
    agent: ResolutionAgent, mock_bank: MockBank
) -> None:
    proposal = await over_limit_hand_off(agent)

    done = await agent.approve_proposal(CONVERSATION, proposal.id, "cop_bob")

    assert (done.status, done.decided_by, done.outcome) == ("executed", "cop_bob", "ok")
    [dispute] = _disputes_of(mock_bank)
    events = [e for e in await agent.audit_events(CONVERSATION) if e.turn == 1]
    decided = [(e.kind, e.rule_id) for e in events][-4:]
    assert decided == [
        ("guard", "ALLOW-APPROVED"),
        ("escalation", "PROPOSAL-APPROVED"),
        ("tool_intent", "TOOL-INTENT"),
        ("tool_call", "TOOL-OK"),
    ]
    assert events[-4].detail["cop"] == "cop_bob"
    assert proposal.id in str(events[-1].detail["idempotency_key"])
    conversation = await agent.get_conversation(CONVERSATION)
    assert [a.tool for a in conversation.actions][-1] == "raise_dispute"
    told = conversation.transcript[-1]
    assert told.role == "cop" and dispute in told.text and "approved" in told.text
    assert [(n["kind"], n["text"]) for n in await _notices(agent)] == [
        ("proposal_decided", told.text)
    ]
    assert await agent.list_proposals(CONVERSATION) == [done]


async def test_approving_twice_is_refused_and_the_bank_acts_once(
    agent: ResolutionAgent, mock_bank: MockBank
) -> None:
    proposal = await over_limit_hand_off(agent)
    await agent.approve_proposal(CONVERSATION, proposal.id, "cop_bob")

    with pytest.raises(ProposalConflictError, match="executed already"):
        await agent.approve_proposal(CONVERSATION, proposal.id, "cop_sam")

    assert len(_disputes_of(mock_bank)) == 1
    assert len(await _notices(agent)) == 1


async def test_of_two_racing_approvals_exactly_one_executes(
    agent: ResolutionAgent, mock_bank: MockBank
) -> None:
    proposal = await over_limit_hand_off(agent)

    results = await asyncio.gather(
        agent.approve_proposal(CONVERSATION, proposal.id, "cop_bob"),
        agent.approve_proposal(CONVERSATION, proposal.id, "cop_sam"),
        return_exceptions=True,
    )

    refused = [r for r in results if isinstance(r, ProposalConflictError)]
    approved = [r for r in results if not isinstance(r, BaseException)]
    assert len(refused) == 1 and len(approved) == 1
    assert approved[0].status == "executed"
    assert len(_disputes_of(mock_bank)) == 1
    intents = [e for e in await agent.audit_events(CONVERSATION) if e.kind == "tool_intent"]
    assert len(intents) == 1


async def test_an_unknown_cop_is_refused_and_nothing_changes(
    agent: ResolutionAgent, mock_bank: MockBank
) -> None:
    proposal = await over_limit_hand_off(agent)

    with pytest.raises(InvalidRequestError, match="not on the roster"):
        await agent.approve_proposal(CONVERSATION, proposal.id, "cop_mallory")
    with pytest.raises(InvalidRequestError, match="not on the roster"):
        await agent.reject_proposal(CONVERSATION, proposal.id, "cop_mallory")

    assert await agent.list_proposals(CONVERSATION) == [proposal]
    assert _disputes_of(mock_bank) == [] and await _notices(agent) == []


async def test_an_unknown_proposal_or_case_is_refused(agent: ResolutionAgent) -> None:
    proposal = await over_limit_hand_off(agent)

    with pytest.raises(UnknownProposalError, match="no proposed action 'prop_nothing'"):
        await agent.approve_proposal(CONVERSATION, "prop_nothing", "cop_bob")
    with pytest.raises(UnknownConversationError):
        await agent.approve_proposal("conv-elsewhere", proposal.id, "cop_bob")

    assert (await agent.list_proposals(CONVERSATION))[0].status == "pending"


async def test_a_proposal_on_a_closed_case_cannot_be_decided(
    agent: ResolutionAgent, mock_bank: MockBank
) -> None:
    proposal = await over_limit_hand_off(agent)
    await agent.claim_case(CONVERSATION, "cop_alice")
    await agent.close_case(CONVERSATION, "cop_alice", "referred_elsewhere")

    with pytest.raises(ProposalConflictError, match="is closed"):
        await agent.approve_proposal(CONVERSATION, proposal.id, "cop_bob")
    with pytest.raises(ProposalConflictError, match="is closed"):
        await agent.reject_proposal(CONVERSATION, proposal.id, "cop_bob")

    assert (await agent.list_proposals(CONVERSATION))[0].status == "pending"
    assert _disputes_of(mock_bank) == []


async def test_a_rejection_sends_nothing_to_the_bank_and_tells_the_customer(
    agent: ResolutionAgent, mock_bank: MockBank
) -> None:
    proposal = await over_limit_hand_off(agent)

    rejected = await agent.reject_proposal(
        CONVERSATION, proposal.id, "cop_bob", note="merchant confirmed the sale"
    )

    assert (rejected.status, rejected.decided_by, rejected.note) == (
        "rejected",
        "cop_bob",
        "merchant confirmed the sale",
    )
    assert _disputes_of(mock_bank) == []
    [notice] = await _notices(agent)
    assert "can't go ahead with raising your dispute" in notice["text"]
    assert "merchant" not in notice["text"]  # the COp's note is for staff only
    with pytest.raises(ProposalConflictError, match="rejected already"):
        await agent.approve_proposal(CONVERSATION, proposal.id, "cop_sam")
    assert _disputes_of(mock_bank) == []


async def test_an_approved_proposal_cannot_be_rejected(
    agent: ResolutionAgent, mock_bank: MockBank
) -> None:
    proposal = await over_limit_hand_off(agent)
    await agent.approve_proposal(CONVERSATION, proposal.id, "cop_bob")

    with pytest.raises(ProposalConflictError, match="executed already"):
        await agent.reject_proposal(CONVERSATION, proposal.id, "cop_sam")

    assert (await agent.list_proposals(CONVERSATION))[0].status == "executed"


async def test_four_eyes_a_cop_cannot_approve_their_own_proposal(
    agent: ResolutionAgent, mock_bank: MockBank
) -> None:
    agents_own = await over_limit_hand_off(agent)
    await agent.reject_proposal(CONVERSATION, agents_own.id, "cop_alice")
    await agent.claim_case(CONVERSATION, "cop_alice")
    mine = await agent.propose_action(
        CONVERSATION,
        "cop_alice",
        "raise_dispute",
        {"transaction_id": TRANSACTION, "reason": "unrecognised"},
        "called the customer back: card was in their drawer, payment not theirs",
    )
    assert (mine.proposer, mine.four_eyes, mine.rule_id) == ("cop_alice", True, "COP-PROPOSED")

    with pytest.raises(ProposalConflictError, match="four-eyes") as refused:
        await agent.approve_proposal(CONVERSATION, mine.id, "cop_alice")
    assert refused.value.rule_id == "FOUR-EYES"
    assert _disputes_of(mock_bank) == []

    done = await agent.approve_proposal(CONVERSATION, mine.id, "cop_bob")
    assert done.status == "executed" and len(_disputes_of(mock_bank)) == 1


async def test_a_cop_proposes_only_on_a_case_they_hold_and_only_what_the_guard_allows(
    agent: ResolutionAgent,
) -> None:
    await over_limit_hand_off(agent)
    args = {"transaction_id": TRANSACTION, "reason": "unrecognised"}

    with pytest.raises(CaseConflictError, match="must be claimed by cop_alice"):
        await agent.propose_action(CONVERSATION, "cop_alice", "raise_dispute", args, "why")
    await agent.claim_case(CONVERSATION, "cop_alice")
    someone_elses = {"transaction_id": "txn_1001_001", "reason": "unrecognised"}
    with pytest.raises(InvalidRequestError, match="OWN-RECORD"):
        await agent.propose_action(CONVERSATION, "cop_alice", "raise_dispute", someone_elses, "why")
    with pytest.raises(InvalidRequestError, match="needs a reason"):
        await agent.propose_action(CONVERSATION, "cop_alice", "raise_dispute", args, " ")

    assert [p.proposer for p in await agent.list_proposals(CONVERSATION)] == ["agent"]
