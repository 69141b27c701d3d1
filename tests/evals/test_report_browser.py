"""``report.html`` in a real browser (Debian's headless Chromium): sort, filter, and no script.

The page is opened from its file, as a reader opens it; a page that needed the network would
show it here, since nothing but the file is served. No Chromium is a failure, never a skip.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright, expect

from resolution_agent.agent.settings import Settings
from resolution_agent.evals.report import write_report
from resolution_agent.evals.summary import Report
from tests.console.helpers import launch_chromium, require_chromium

pytestmark = pytest.mark.slow


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
def page_url(suite_report: Report, tmp_path: Path) -> str:
    write_report(suite_report, tmp_path, Settings().prompts_dir)
    return (tmp_path / "report.html").as_uri()


async def test_scenarios_sort_by_a_column_and_filter_by_text_and_failures(
    browser: Browser, page_url: str, suite_report: Report
) -> None:
    page = await browser.new_page()
    await page.goto(page_url)
    rows = page.locator("#scenarios tbody tr")
    ids = sorted(r.id for r in suite_report.results)

    await page.click("#scenarios th button:text-is('id')")
    assert await rows.locator("td.id").all_inner_texts() == ids
    await page.click("#scenarios th button:text-is('id')")
    assert await rows.locator("td.id").all_inner_texts() == ids[::-1]
    await expect(page.locator("#scenarios th").first).to_have_attribute("aria-sort", "descending")

    await page.check("#scenario-failed-only")
    await expect(page.locator("#scenarios tbody tr:visible")).to_have_count(2)
    await expect(page.locator("#scenario-count")).to_have_text(
        f"2 of {suite_report.scenarios} shown"
    )
    await page.uncheck("#scenario-failed-only")
    await page.fill("#scenario-filter", "unknown-cust")
    await expect(page.locator("#scenarios tbody tr:visible")).to_have_count(1)
    await expect(page.locator("#scenarios tbody tr:visible td.id")).to_have_text("unknown-customer")


async def test_without_scripts_the_table_is_plain_failures_first_and_the_controls_hidden(
    browser: Browser, page_url: str, suite_report: Report
) -> None:
    context = await browser.new_context(java_script_enabled=False)
    page = await context.new_page()
    await page.goto(page_url)

    await expect(page.locator("#scenario-tools")).to_be_hidden()
    rows = page.locator("#scenarios tbody tr")
    await expect(rows).to_have_count(suite_report.scenarios)
    await expect(rows.nth(0).locator("td").nth(3)).to_have_text("FAIL")
    await context.close()


async def test_a_long_id_stays_on_one_line_and_only_the_table_scrolls_sideways(
    browser: Browser, suite_report: Report, tmp_path: Path
) -> None:
    long_id = "a-very-long-scenario-identifier-" * 4
    first = suite_report.results[0].model_copy(update={"id": long_id})
    report = suite_report.model_copy(update={"results": [first, *suite_report.results[1:]]})
    write_report(report, tmp_path, Settings().prompts_dir)
    page = await browser.new_page(viewport={"width": 800, "height": 900})
    await page.goto((tmp_path / "report.html").as_uri())

    box = await page.locator("#scenarios td.id code", has_text=long_id).bounding_box()
    assert box is not None and box["height"] < 30  # one line, not a character per line
    page_width = await page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 800  # the page itself never scrolls sideways
    scroller = await page.evaluate(
        "(() => { const s = document.getElementById('scenarios').parentElement;"
        " return [s.scrollWidth, s.clientWidth]; })()"
    )
    assert scroller[0] > scroller[1]  # the table's own box scrolls instead
