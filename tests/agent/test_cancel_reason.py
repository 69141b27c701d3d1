"""Why a card is cancelled: the bank records it, and a stolen card is not a copied one."""

from __future__ import annotations

from resolution_agent.agent import ResolutionAgent
from tests.agent.conftest import bank_of


async def test_a_card_said_stolen_is_cancelled_as_stolen_even_when_read_as_compromised(
    agent: ResolutionAgent,
) -> None:
    bank = bank_of(agent)
    first = await agent.handle_message(
        "conv-stolen", "cus_1001", "my card 4539148803436467 was stolen, the security code is 123"
    )

    reply = await agent.handle_message("conv-stolen", "cus_1001", "yes")

    assert first.intent == "compromised_card"  # the pasted details read as a copied card
    assert [(a.tool, a.args) for a in reply.actions] == [
        ("cancel_card", {"card_id": "card_1001a", "reason": "stolen", "replace": True})
    ]
    assert (bank.state.cards["card_1001a"].model_extra or {}).get("cancel_reason") == "stolen"


async def test_card_details_stolen_is_still_a_compromised_card(agent: ResolutionAgent) -> None:
    await agent.handle_message(
        "conv-details", "cus_1014", "I think my card details were stolen and cloned online"
    )

    reply = await agent.handle_message("conv-details", "cus_1014", "yes")

    assert [(a.tool, a.args["reason"]) for a in reply.actions] == [("cancel_card", "compromised")]
