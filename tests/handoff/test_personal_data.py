"""A COp sees a card's last four digits, never its number, even when the customer typed it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.console import render_handoff_html, render_handoff_json
from resolution_agent.agent.handoff import mask_card_numbers
from resolution_agent.agent.templates import Templates

CLOCK = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
PAN = "4111 1111 1111 1234"
SCAM = (
    "someone rang pretending to be from the bank and told me to move my money to a safe "
    f"account, and I read them my card number {PAN}"
)


def test_card_numbers_keep_only_their_last_four_digits() -> None:
    assert mask_card_numbers(f"it's {PAN}, or 4111-1111-1111-1234") == (
        "it's [card ending 1234], or [card ending 1234]"
    )
    assert mask_card_numbers("ending 1234, £1,250.00 on 2026-11-27, code 123456") == (
        "ending 1234, £1,250.00 on 2026-11-27, code 123456"
    )


async def test_a_typed_card_number_never_reaches_the_cop(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, checkpointer="memory", clock=CLOCK)
    async with ResolutionAgent(settings) as agent:
        reply = await agent.handle_message("conv-1", "cus_1008", SCAM)
        case = await agent.get_case("conv-1")

    summary = reply.handoff
    assert summary is not None and summary.queue == "fincrime"
    shown = [
        summary.markdown,
        render_handoff_html(summary, Templates(settings.prompts_dir)),
        render_handoff_json(summary),
        case.summary.model_dump_json(),
    ]
    digits = PAN.replace(" ", "")
    for text in shown:
        assert PAN not in text and digits not in text
    assert "[card ending 1234]" in summary.markdown
