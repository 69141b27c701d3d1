"""Every finished turn leaves one signal in the agent's signal log, with no raw identifiers."""

from __future__ import annotations

from datetime import timedelta

from resolution_agent.agent.patterns.log import SignalLog
from tests.agent.conftest import CLOCK, OpenAgent

CUSTOMER = "cus_1001"


def log_of(agent: object) -> SignalLog:
    signals = getattr(agent, "_signals", None)
    assert signals is not None, "an open agent has a signal log"
    return signals


async def test_each_turn_records_what_the_agent_decided(open_agent: OpenAgent) -> None:
    async with open_agent(checkpointer="memory") as agent:
        await agent.handle_message("conv-lost", CUSTOMER, "I've lost my card")
        await agent.handle_message("conv-odd", CUSTOMER, "what is the capital of Peru")

        signals = await log_of(agent).read(since=CLOCK - timedelta(days=1))

    lost, odd = signals
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
    async with open_agent(checkpointer="memory") as agent:
        await agent.handle_message("conv-scam", CUSTOMER, text)
        (recorded,) = await log_of(agent).read(since=CLOCK - timedelta(days=1))

    assert "scam" in recorded.risk_signals
    assert recorded.links == ("kestrel-verify.co.uk",)
    assert "4111" not in recorded.text
    assert "kestrel-verify.co.uk" in recorded.text
