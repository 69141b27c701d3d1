"""Card details typed into a dodgy site: with a physical and a virtual card, the customer is
asked which was used before anything is frozen (a lost card is a plastic one; details given
online may be either card's); once money was taken, the plastic card is frozen at once and the
fraud team takes it."""

from __future__ import annotations

from resolution_agent.agent.api import ResolutionAgent
from tests.agent.conftest import bank_of, card_status

SITE = (
    "I think a dodgy website has got hold of my card details. I put them in to buy trainers "
    "and now the site's vanished. Freeze it please."
)


async def test_details_given_online_ask_which_card_then_freeze_the_one_named(
    memory_agent: ResolutionAgent,
) -> None:
    asked = await memory_agent.handle_message("c-site", "cus_1014", SITE)
    bank = bank_of(memory_agent)
    assert asked.status == "awaiting_customer"
    assert "5549" in asked.text and "7306" in asked.text
    assert bank.calls["freeze_card"] == 0

    await memory_agent.handle_message(
        "c-site", "cus_1014", "Not the plastic one, the virtual one ending 7306."
    )
    assert card_status(bank, "card_1014b") == "frozen"
    assert card_status(bank, "card_1014a") == "active"
