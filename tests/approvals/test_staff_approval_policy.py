"""A tool that ``policies/tools.yaml`` marks ``staff_approval`` is never run by the agent alone:
its call becomes a proposal (APPROVAL-REQUIRED), and runs only when a COp approves it."""

from __future__ import annotations

from pathlib import Path

from resolution_agent.agent import ResolutionAgent
from resolution_agent.agent.policies import Policies, load_policies
from resolution_agent.tools.mockbank import MockBank
from tests.approvals.helpers import settings

CARD = "card_1006a"


def _freezing_needs_staff(folder: Path) -> Policies:
    policies = load_policies(settings(folder).policies_dir)
    freeze = policies.tools["freeze_card"].model_copy(update={"staff_approval": True})
    return policies.model_copy(update={"tools": {**policies.tools, "freeze_card": freeze}})


async def test_a_tool_listed_for_staff_approval_waits_for_a_cop(
    tmp_path: Path, mock_bank: MockBank
) -> None:
    policies = _freezing_needs_staff(tmp_path)
    async with ResolutionAgent(settings(tmp_path), mock_bank=mock_bank, policies=policies) as agent:
        first = await agent.handle_message(
            "conv-lost", "cus_1006", "I lost my card, please freeze it"
        )
        reply = first
        if reply.handoff is None:  # the customer has several cards: the agent asks which
            reply = await agent.handle_message("conv-lost", "cus_1006", "the one ending 3014")
        assert reply.handoff is not None, reply
        [proposal] = await agent.list_proposals("conv-lost")
        assert (proposal.call.tool, proposal.rule_id) == ("freeze_card", "APPROVAL-REQUIRED")
        card = str(proposal.call.args["card_id"])
        assert mock_bank.state.cards[card].status == "active"

        done = await agent.approve_proposal("conv-lost", proposal.id, "cop_alice")

        assert done.status == "executed"
        assert mock_bank.state.cards[card].status == "frozen"
