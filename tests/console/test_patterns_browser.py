"""The Patterns page in a real browser (Debian's headless Chromium): reached from the header,
its alerts and their inline SVG charts rendered, the window changed, a case opened from an
alert. The alerts come from the agent's signal log (:mod:`tests.console.pattern_signals`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, expect

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.console import create_console_app
from tests.console.helpers import SCAM_ID, log_in_page, login_for_tests, serve
from tests.console.pattern_signals import (
    HOSTILE_EXAMPLE,
    LIVE_PAYEE,
    PAST_LINK,
    append_signals,
    incident_signals,
)

LIVE = f'section.alert[data-subject="payee:{LIVE_PAYEE}"]'
PAST = f'section.alert[data-subject="link:{PAST_LINK}"]'


@pytest.fixture
async def base_url(agent: ResolutionAgent) -> AsyncIterator[str]:
    await append_signals(agent, incident_signals())
    async with serve(create_console_app(agent, login_for_tests())) as url:
        yield url


@pytest.mark.slow
async def test_lead_sees_alerts_with_their_charts_and_opens_a_case(
    browser: Browser, base_url: str, agent: ResolutionAgent
) -> None:
    (live,) = [a for a in await agent.pattern_alerts() if a.subject == f"payee:{LIVE_PAYEE}"]
    page = await browser.new_page()
    await log_in_page(page, base_url, "cop_alice")
    await page.click("header a.nav-patterns")
    await expect(page).to_have_url(base_url + "/patterns")
    await expect(page.locator("h1")).to_have_text("Patterns")

    await expect(page.locator("section.alert.open")).to_have_count(1)
    await expect(page.locator("section.alert.closed")).to_have_count(1)
    alert = page.locator(LIVE)
    await expect(alert).to_have_class("panel alert open")
    await expect(alert.locator(".severity")).to_have_text(live.severity)
    await expect(alert.locator("ul.examples li").nth(1)).to_have_text(HOSTILE_EXAMPLE)

    # The chart is drawn by the browser: one point per bucket, visible, with a tooltip.
    chart = alert.locator("svg.alert-chart")
    await expect(chart).to_be_visible()
    box = await chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    points = chart.locator("circle.point")
    await expect(points).to_have_count(len(live.series))
    drawn = await points.evaluate_all("cs => cs.map(c => Number(c.dataset.observed))")
    assert drawn == [p.observed for p in live.series]
    xs = await points.evaluate_all("cs => cs.map(c => c.getBoundingClientRect().x)")
    assert xs == sorted(xs) and len(set(xs)) == len(xs)  # left to right, one per bucket
    assert await chart.locator("polyline.observed").get_attribute("points")
    await expect(points.first.locator("title")).to_contain_text("observed")
    # Nothing the customers wrote ran as script.
    assert await page.evaluate("typeof window.alert === 'function'")
    assert await page.locator("script").count() == 0

    await page.select_option("select[name=hours]", "6")
    await page.click("form.inline button")
    await expect(page).to_have_url(base_url + "/patterns?hours=6")
    await expect(page.locator(PAST)).to_have_count(0)
    await expect(page.locator(".empty-closed")).to_have_text(
        "No closed alert from the last 6 hours."
    )

    await page.locator(LIVE).locator("a.case-link").click()
    await expect(page).to_have_url(f"{base_url}/cases/{SCAM_ID}")
    await expect(page.locator("h2.headline")).to_contain_text("Scam or fraud reported")
