"""A proposal id that is not on the case (a stale or edited link) is a 404 in plain words, and
nothing is decided or sent to the bank."""

from __future__ import annotations

import pytest

from resolution_agent.agent import ResolutionAgent
from resolution_agent.agent.console import create_console_app
from resolution_agent.tools.mockbank import MockBank
from tests.approvals.helpers import CONVERSATION, TRANSACTION, over_limit_hand_off
from tests.console.helpers import login_for_tests, post_form, signed_in


@pytest.mark.parametrize("decision", ["approve", "reject"])
async def test_an_unknown_proposal_is_404_and_nothing_is_decided(
    agent: ResolutionAgent, mock_bank: MockBank, decision: str
) -> None:
    await over_limit_hand_off(agent)
    app = create_console_app(agent, login_for_tests())

    async with signed_in(app, "cop_bob") as http:
        response = await post_form(
            http, f"/cases/{CONVERSATION}/proposals/prop_nothing/{decision}", {}
        )

    assert response.status_code == 404
    assert "No such proposed action" in response.text
    assert "has no proposed action &#39;prop_nothing&#39;" in response.text
    assert [p.status for p in await agent.list_proposals(CONVERSATION)] == ["pending"]
    assert not [d for d in mock_bank.state.disputes.values() if d.transaction_id == TRANSACTION]
