"""The console in a real browser (Debian's headless Chromium): log in, queue, claim, reply, close;
the queue updating itself.

The console is served by uvicorn on a free 127.0.0.1 port in the test's own event loop, over
the same open agent the test used to hand the cases off, so the test can check the store
after the browser is done. No Chromium is a failure, never a skip: CI must run these.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.console import create_console_app
from resolution_agent.agent.console.queue import POLL_S
from tests.console.helpers import (
    COMPLAINT_ID,
    SCAM_ID,
    log_in_page,
    login_for_tests,
    require_chromium,
    serve,
)

REPLY = "This is Alice from the fraud team. Please do not move any money; I'm calling you now."


def test_missing_chromium_fails_with_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        require_chromium(tmp_path / "chromium")


@pytest.fixture
async def base_url(agent: ResolutionAgent) -> AsyncIterator[str]:
    async with serve(create_console_app(agent, login_for_tests())) as url:
        yield url


@pytest.mark.slow
async def test_cop_works_a_case_end_to_end(
    browser: Browser, base_url: str, agent: ResolutionAgent
) -> None:
    page = await browser.new_page()
    await page.goto(base_url + "/")
    await expect(page).to_have_url(base_url + "/login")  # no session: the login page first
    await log_in_page(page, base_url, "cop_alice")
    await expect(page).to_have_url(base_url + "/")
    rows = page.locator("tr.case")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0)).to_have_attribute("data-conversation", SCAM_ID)
    await expect(rows.nth(0).locator(".priority")).to_have_text("urgent")
    await expect(rows.nth(1)).to_have_attribute("data-conversation", COMPLAINT_ID)

    await page.select_option("select[name=queue]", "complaints")
    await page.click("text=Filter")
    await expect(rows).to_have_count(1)
    await expect(rows.nth(0)).to_have_attribute("data-conversation", COMPLAINT_ID)
    await page.click("text=clear")
    await expect(rows).to_have_count(2)

    await rows.nth(0).locator("a.open-case").click()
    await expect(page).to_have_url(f"{base_url}/cases/{SCAM_ID}")
    await expect(page.locator("h2.headline")).to_contain_text("Scam or fraud reported")

    await expect(page.locator("input[name=cop_id]")).to_have_count(0)
    await page.click("form.claim button")
    await expect(page.locator(".notice")).to_have_text("You have claimed this case.")
    await expect(page.locator(".case-status")).to_have_text("claimed")
    await expect(page.locator(".owner")).to_have_text("cop_alice")

    await page.fill("form.reply textarea[name=text]", REPLY)
    await page.click("form.reply button")
    await expect(page.locator(".notice")).to_have_text("Your reply was added to the conversation.")
    await expect(page.locator("ol.live li.role-cop .text")).to_have_text(REPLY)

    await page.select_option("form.close select[name=resolution_code]", "referred_elsewhere")
    await page.click("form.close button")
    await expect(page.locator(".case-status")).to_have_text("closed")
    await expect(page.locator(".resolution")).to_have_text("referred elsewhere")

    await page.click("text=← Queue")
    await expect(rows).to_have_count(1)

    case = await agent.get_case(SCAM_ID)
    assert (case.status, case.owner, case.resolution_code) == (
        "closed",
        "cop_alice",
        "referred_elsewhere",
    )
    cop_lines = [m for m in (await agent.get_conversation(SCAM_ID)).transcript if m.role == "cop"]
    assert [m.text for m in cop_lines] == [REPLY]

    await page.click("form.logout button")
    await expect(page).to_have_url(base_url + "/login")
    await page.goto(base_url + "/")
    await expect(page).to_have_url(base_url + "/login")


@pytest.mark.slow
async def test_claiming_someone_elses_case_shows_409(
    browser: Browser, base_url: str, agent: ResolutionAgent
) -> None:
    page = await browser.new_page()
    await log_in_page(page, base_url, "cop_bob")
    await page.goto(f"{base_url}/cases/{COMPLAINT_ID}")
    await agent.claim_case(COMPLAINT_ID, "cop_alice")  # while the page is open
    response_status: list[int] = []
    page.on("response", lambda r: response_status.append(r.status))
    await page.click("form.claim button")
    await expect(page.locator("h1")).to_have_text("This case cannot be changed by you now")
    await expect(page.locator(".error .message")).to_contain_text("claimed by cop_alice")
    assert 409 in response_status
    assert (await agent.get_case(COMPLAINT_ID)).owner == "cop_alice"


@pytest.mark.slow
async def test_unknown_case_shows_404(browser: Browser, base_url: str) -> None:
    page = await browser.new_page()
    await log_in_page(page, base_url, "cop_alice")
    response = await page.goto(f"{base_url}/cases/conv-nope")
    assert response is not None and response.status == 404
    await expect(page.locator("h1")).to_have_text("No such case")


@pytest.mark.slow
async def test_a_case_handed_off_after_the_queue_opened_appears_without_a_reload(
    browser: Browser, base_url: str, agent: ResolutionAgent
) -> None:
    page = await browser.new_page()
    await log_in_page(page, base_url, "cop_alice")
    rows = page.locator("tr.case")
    await expect(rows).to_have_count(2)
    await page.evaluate("window.neverReloaded = true")

    reply = await agent.handle_message("conv-later", "cus_1003", "I want to speak to a human")
    assert reply.handoff is not None

    later = page.locator('tr.case[data-conversation="conv-later"]')
    await expect(later).to_have_count(1, timeout=(3 * POLL_S) * 1000)
    await expect(later.locator("a.open-case")).to_contain_text("Customer asked for a person")
    await expect(rows).to_have_count(3)
    await expect(page.locator("p.count")).to_have_text("3 cases, most urgent first")
    assert await page.evaluate("window.neverReloaded") is True


@pytest.mark.slow
async def test_the_queue_refresh_keeps_the_pages_search(
    browser: Browser, base_url: str, agent: ResolutionAgent
) -> None:
    page = await browser.new_page()
    await log_in_page(page, base_url, "cop_alice")
    await page.fill("input[name=q]", "cus_1001")
    await page.click("text=Filter")
    rows = page.locator("tr.case")
    await expect(rows).to_have_count(1)

    await agent.handle_message("conv-other", "cus_1003", "I want to speak to a human")
    await agent.handle_message("conv-again", "cus_1001", "I want to speak to a human")

    await expect(page.locator('tr.case[data-conversation="conv-again"]')).to_have_count(
        1, timeout=(3 * POLL_S) * 1000
    )
    await expect(rows).to_have_count(2)
    await expect(rows.locator("a.same-customer").first).to_have_text("2 open cases")


@pytest.mark.slow
async def test_a_hidden_queue_asks_for_nothing_and_catches_up_when_shown(
    browser: Browser, base_url: str, agent: ResolutionAgent
) -> None:
    page = await browser.new_page()
    await log_in_page(page, base_url, "cop_alice")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/queue/cases" in r.url else None)
    # What a browser reports for a tab in the background.
    await page.evaluate(
        "Object.defineProperty(document, 'hidden', {value: true, configurable: true})"
    )
    await agent.handle_message("conv-later", "cus_1003", "I want to speak to a human")

    await page.wait_for_timeout(2 * POLL_S * 1000 + 500)
    assert asked == []
    await expect(page.locator("tr.case")).to_have_count(2)

    await page.evaluate(
        "Object.defineProperty(document, 'hidden', {value: false, configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    # Asked for at once on being shown (the interval's next tick may be seconds away).
    await expect(page.locator("tr.case")).to_have_count(3, timeout=1500)
