"""Every finished turn leaves one signal in the agent's signal log, with no raw identifiers."""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import timedelta

from resolution_agent.agent import Settings
from resolution_agent.agent.patterns import TurnSignal
from resolution_agent.agent.patterns.log import open_signal_log
from tests.agent.conftest import CLOCK, OpenAgent

CUSTOMER = "cus_1001"


async def recorded(settings: Settings) -> list[TurnSignal]:
    """What the agent left in ``signals.sqlite`` under its data dir."""
    async with AsyncExitStack() as stack:
        log = await open_signal_log(settings, stack)
        return await log.read(since=CLOCK - timedelta(days=1))


async def test_each_turn_records_what_the_agent_decided(open_agent: OpenAgent) -> None:
    async with open_agent() as agent:
        await agent.handle_message("conv-lost", CUSTOMER, "I've lost my card")
        await agent.handle_message("conv-odd", CUSTOMER, "what is the capital of Peru")

    lost, odd = await recorded(agent.settings)
    assert (lost.conversation_id, lost.intent, lost.understood) == (
        "conv-lost",
        "lost_or_stolen_card",
        True,
    )
    assert lost.at == CLOCK
    assert lost.text == ""  # an understood message keeps no text
    assert odd.conversation_id == "conv-odd"
    assert not odd.understood
    assert odd.text == "what is the capital of Peru"


async def test_a_scam_report_keeps_its_link_and_redacted_text(open_agent: OpenAgent) -> None:
    text = (
        "I got a text from the bank saying to verify at kestrel-verify.co.uk/login and I "
        "gave them my card number 4111 1111 1111 1111, I think it was a scam"
    )
    async with open_agent() as agent:
        await agent.handle_message("conv-scam", CUSTOMER, text)

    (report,) = await recorded(agent.settings)
    assert "scam" in report.risk_signals
    assert report.links == ("kestrel-verify.co.uk",)
    assert "4111" not in report.text
    assert "kestrel-verify.co.uk" in report.text
