"""Approving and rejecting proposed actions in the console, in a real browser (Debian's
headless Chromium), over the same open agent that handed the case off.

No Chromium is a failure, never a skip: CI must run these.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, async_playwright, expect

from resolution_agent.agent import ResolutionAgent
from resolution_agent.agent.console import create_console_app
from resolution_agent.tools.mockbank import MockBank
from tests.approvals.helpers import CONVERSATION, TRANSACTION, over_limit_hand_off
from tests.console.helpers import (
    launch_chromium,
    log_in_page,
    login_for_tests,
    require_chromium,
    serve,
)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    require_chromium()
    async with async_playwright() as playwright:
        launched = await launch_chromium(playwright)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def base_url(agent: ResolutionAgent) -> AsyncIterator[str]:
    async with serve(create_console_app(agent, login_for_tests())) as url:
        yield url


@pytest.mark.slow
async def test_a_cop_approves_the_agents_proposal_and_the_bank_acts(
    browser: Browser, base_url: str, agent: ResolutionAgent, mock_bank: MockBank
) -> None:
    proposal = await over_limit_hand_off(agent)
    page = await browser.new_page()
    await log_in_page(page, base_url, "cop_alice")
    await page.goto(f"{base_url}/cases/{CONVERSATION}")
    row = page.locator(f"tr.proposal[data-proposal='{proposal.id}']")
    await expect(row.locator(".proposal-status")).to_have_text("pending")
    await expect(row).to_contain_text("raise_dispute")
    await expect(row).to_contain_text("LIMIT-AMOUNT, four-eyes")

    await row.locator("form.approve button").click()

    await expect(page.locator(".notice")).to_contain_text("approved and sent to the bank")
    await expect(row.locator(".proposal-status")).to_contain_text("executed")
    await expect(row.locator(".decided-by")).to_have_text("by cop_alice")
    await expect(row.locator("form.approve")).to_have_count(0)
    await expect(page.locator("ol.live li.role-cop .text").last).to_contain_text(
        "Our team has approved your request"
    )
    disputes = [d for d in mock_bank.state.disputes.values() if d.transaction_id == TRANSACTION]
    assert len(disputes) == 1
    assert (await agent.list_proposals(CONVERSATION))[0].decided_by == "cop_alice"


@pytest.mark.slow
async def test_approving_what_a_colleague_just_rejected_shows_409_and_runs_nothing(
    browser: Browser, base_url: str, agent: ResolutionAgent, mock_bank: MockBank
) -> None:
    proposal = await over_limit_hand_off(agent)
    page = await browser.new_page()
    await log_in_page(page, base_url, "cop_bob")
    await page.goto(f"{base_url}/cases/{CONVERSATION}")
    await agent.reject_proposal(CONVERSATION, proposal.id, "cop_alice")  # while the page is open
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status))

    await page.locator("form.approve button").click()

    await expect(page.locator("h1")).to_have_text("This case cannot be changed by you now")
    await expect(page.locator(".error .message")).to_contain_text("rejected already")
    assert 409 in statuses
    assert not [d for d in mock_bank.state.disputes.values() if d.transaction_id == TRANSACTION]


@pytest.mark.slow
async def test_a_cops_own_four_eyes_proposal_offers_them_no_approve_button(
    browser: Browser, base_url: str, agent: ResolutionAgent
) -> None:
    await over_limit_hand_off(agent)
    await agent.claim_case(CONVERSATION, "cop_alice")
    mine = await agent.propose_action(
        CONVERSATION,
        "cop_alice",
        "raise_dispute",
        {"transaction_id": TRANSACTION, "reason": "unrecognised"},
        "customer confirmed on the phone",
    )
    page = await browser.new_page()
    await log_in_page(page, base_url, "cop_alice")
    await page.goto(f"{base_url}/cases/{CONVERSATION}")

    row = page.locator(f"tr.proposal[data-proposal='{mine.id}']")
    await expect(row).to_contain_text("another COp must decide")
    await expect(row.locator("form.approve")).to_have_count(0)
    await expect(row.locator("form.reject")).to_have_count(1)
