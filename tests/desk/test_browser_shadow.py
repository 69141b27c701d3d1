"""Shadow mode in a real browser (Debian's headless Chromium): the agent's held draft is
prefilled in the owner's reply box, the COp edits and sends it, and the send is counted as an
edit in the agreement report."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.console import create_console_app
from tests.console.helpers import log_in_page, login_for_tests, serve
from tests.desk.cases import CLOCK

ARRIVAL = "when will my new card arrive?"
ADDED = " Alice here from the cards team."


@pytest.mark.slow
async def test_a_cop_edits_and_sends_the_agents_draft_in_the_console(
    browser: Browser, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, clock=CLOCK, reply_detector="off", shadow_mode=True)
    async with ResolutionAgent(settings) as agent:
        await agent.handle_message("conv-lost", "cus_1001", ARRIVAL)
        draft = await agent.draft_reply("conv-lost")
        assert draft.text is not None
        async with serve(create_console_app(agent, login_for_tests())) as base_url:
            page = await browser.new_page()
            await log_in_page(page, base_url, "cop_alice")
            await page.goto(f"{base_url}/cases/conv-lost")
            await page.click("form.claim button")
            box = page.locator("form.reply textarea[name=text]")
            await expect(box).to_have_value(draft.text)
            await expect(page.locator(".draft-source")).to_contain_text("the agent (shadow mode)")
            await box.press("Control+End")  # the end of the text, not of its first line
            await box.type(ADDED)
            await page.click("form.reply button")
            await expect(page.locator("ol.live li.role-cop .text")).to_have_text(draft.text + ADDED)
        report = await agent.shadow_report()

    [row] = report.intents
    assert (row.intent, row.sent, row.edited) == ("card_delivery_estimate", 1, 1)
