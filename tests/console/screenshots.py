"""Screenshots of the console for the docs: ``python -m tests.console.screenshots [FOLDER]``.

Writes ``console-queue.png`` and ``console-case.png`` (default folder ``docs/``) from a fresh
temporary store filled by real conversations, in Debian's headless Chromium, so the pictures
show exactly what a COp sees.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from playwright.async_api import async_playwright

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.console import create_console_app
from tests.console.helpers import (
    CARD_SCAM,
    converse,
    hand_off,
    launch_chromium,
    log_in_page,
    login_for_tests,
    serve,
    settings,
)

CASE_ID = "conv-card-scam"
REPLY = "Alice from the fraud team here: please don't move any money, I'm calling you now."
CONVERSATIONS = [
    ("conv-bereavement", "cus_1002", ["My husband passed away last week, what do I do?"]),
    ("conv-difficulty", "cus_1004", ["I can't pay my bills this month, I'm struggling"]),
    ("conv-human", "cus_1003", ["I want to speak to a human"]),
    # A second case of the pictured case's customer: "2 open cases" in the queue, and listed
    # on the case page.
    ("conv-app-complaint", CARD_SCAM[0], ["I want to make a formal complaint about your app"]),
    (CASE_ID, *CARD_SCAM),
]


async def fill(agent: ResolutionAgent) -> None:
    await hand_off(agent)
    for conversation_id, customer_id, messages in CONVERSATIONS:
        await converse(agent, conversation_id, customer_id, messages)


async def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data_dir:
        async with ResolutionAgent(settings(Path(data_dir))) as agent:
            await fill(agent)
            app = create_console_app(agent, login_for_tests())
            async with serve(app) as url, async_playwright() as pw:
                browser = await launch_chromium(pw)
                page = await browser.new_page(viewport={"width": 1280, "height": 720})
                await log_in_page(page, url, "cop_alice")
                await page.screenshot(path=folder / "console-queue.png", full_page=True)
                await page.goto(f"{url}/cases/{CASE_ID}")
                await page.click("form.claim button")
                await page.fill("form.reply textarea[name=text]", REPLY)
                await page.click("form.reply button")
                await page.wait_for_selector(".notice")
                await page.screenshot(path=folder / "console-case.png", full_page=True)
                await browser.close()
    print(f"wrote {folder / 'console-queue.png'} and {folder / 'console-case.png'}")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")))
