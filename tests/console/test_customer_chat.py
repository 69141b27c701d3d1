"""A COp's reply reaches the customer's side of the channel, in two real browser pages.

The service is built as ``resolve serve`` builds it (the channel API, the console mounted at
``/console``, the demo chat at ``/demo/chat``) and served by uvicorn on a free 127.0.0.1 port,
over one agent with SQLite in a temporary folder. The customer writes in the demo chat and is
handed off; a COp logs in to the console, claims the case and replies; the customer's page,
never reloaded, shows the reply from "our team" and no member of staff's id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect
from pydantic import SecretStr

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.service import ServiceSettings, create_app
from tests.console.helpers import log_in_page, login_for_tests, serve, settings

SAM = "cop_sam"
REPLY = "Hello, this is Sam from the team. I can see your complaint and I'm on it."
ASK = "I want to speak to a person, I want to make a complaint"


@dataclass
class Running:
    url: str
    agent: ResolutionAgent


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    async with ResolutionAgent(settings(tmp_path)) as agent:
        service = ServiceSettings(
            host="127.0.0.1",
            demo_chat=True,
            channel_tokens={"app": SecretStr("app-token-0123456789")},
        )
        app = create_app(agent.settings, agent=agent, service=service, console=login_for_tests())
        async with serve(app) as url:
            yield Running(url=url, agent=agent)


@pytest.mark.slow
async def test_a_cop_reply_from_the_console_appears_in_the_customers_open_chat(
    browser: Browser, running: Running
) -> None:
    customer = await (await browser.new_context()).new_page()
    await customer.goto(running.url + "/demo/chat")
    await customer.evaluate("window.neverReloaded = true")
    await customer.fill("#send input[name=text]", ASK)
    await customer.click("#send button")
    await expect(customer.locator("li.from-you")).to_have_text(ASK)
    await expect(customer.locator("li.from-agent")).to_have_count(1)
    conversation_id = await customer.locator("ol.chat").get_attribute("data-conversation")
    assert conversation_id is not None
    assert (await running.agent.get_case(conversation_id)).status == "queued"

    cop = await (await browser.new_context()).new_page()
    await log_in_page(cop, running.url + "/console", SAM)
    await expect(cop).to_have_url(running.url + "/console/")
    await cop.locator(f'tr.case[data-conversation="{conversation_id}"] a.open-case').click()
    await expect(cop.locator("ol.live li.role-customer .text").first).to_have_text(ASK)
    await cop.click("form.claim button")
    await expect(customer.locator("li.event")).to_have_text(
        "Someone from our team has joined the chat."
    )
    await cop.fill("form.reply textarea[name=text]", REPLY)
    await cop.click("form.reply button")
    await expect(cop.locator(".notice")).to_have_text("Your reply was added to the conversation.")

    await expect(customer.locator("li.from-team")).to_have_text(REPLY)
    assert await customer.evaluate("window.neverReloaded") is True
    assert SAM not in await customer.content()
    case = await running.agent.get_case(conversation_id)
    assert (case.status, case.owner) == ("claimed", SAM)
