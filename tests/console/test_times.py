"""Every time the console prints is the bank's local time (Europe/London) with GMT or BST."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.console import create_console_app
from resolution_agent.agent.console.times import local_time, when
from resolution_agent.agent.settings import Settings
from tests.console.helpers import COMPLAINT_ID, SCAM_ID, hand_off, login_for_tests, signed_in

SUMMER = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)  # 10:00 in London
_TIME = re.compile(r"<time datetime=\"[^\"]+\">([^<]*)</time>")


def test_winter_times_are_gmt_and_summer_times_are_bst() -> None:
    assert local_time(datetime(2026, 11, 27, 10, 15, tzinfo=UTC)) == "10:15 GMT, Fri 27 Nov"
    assert local_time(datetime(2026, 7, 1, 10, 15, tzinfo=UTC)) == "11:15 BST, Wed 1 Jul"
    assert local_time(SUMMER, "long") == "10:00 BST, Wed 1 Jul 2026"


def test_the_clocks_going_forward_and_back_move_the_local_time() -> None:
    assert local_time(datetime(2026, 3, 29, 0, 59, tzinfo=UTC)) == "00:59 GMT, Sun 29 Mar"
    assert local_time(datetime(2026, 3, 29, 1, 0, tzinfo=UTC)) == "02:00 BST, Sun 29 Mar"
    assert local_time(datetime(2026, 10, 25, 0, 59, tzinfo=UTC)) == "01:59 BST, Sun 25 Oct"
    assert local_time(datetime(2026, 10, 25, 1, 0, tzinfo=UTC)) == "01:00 GMT, Sun 25 Oct"


def test_when_is_a_time_element_with_the_exact_instant() -> None:
    assert str(when(SUMMER)) == (
        '<time datetime="2026-07-01T09:00:00+00:00">10:00 BST, Wed 1 Jul</time>'
    )


def test_a_time_without_a_zone_is_taken_as_utc_as_the_store_writes_it() -> None:
    assert local_time(SUMMER.replace(tzinfo=None)) == local_time(SUMMER)


def test_no_console_template_formats_a_time_itself() -> None:
    templates = sorted((Settings().prompts_dir / "console").glob("*.j2"))
    assert templates
    for template in templates:
        text = template.read_text()
        for own_formatting in ("strftime", "isoformat", "<time"):
            assert own_formatting not in text, f"{template.name}: use when(...)"


@pytest.fixture
async def summer_console(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with ResolutionAgent(Settings(data_dir=tmp_path, clock=SUMMER)) as agent:
        await hand_off(agent)
        await agent.claim_case(COMPLAINT_ID, "cop_alice")
        await agent.close_case(COMPLAINT_ID, "cop_alice", "resolved")
        async with signed_in(create_console_app(agent, login_for_tests())) as http:
            yield http


async def test_every_time_on_the_queue_and_case_pages_is_london_time_in_summer(
    summer_console: httpx.AsyncClient,
) -> None:
    pages = {
        "queue": (await summer_console.get("/?closed=true")).text,
        "open case": (await summer_console.get(f"/cases/{SCAM_ID}")).text,
        "closed case": (await summer_console.get(f"/cases/{COMPLAINT_ID}")).text,
    }
    for name, html in pages.items():
        shown = _TIME.findall(html)
        assert shown, name
        assert all(" BST, " in time for time in shown), (name, shown)
        assert "UTC" not in html, name
    assert "10:15 BST, Wed 1 Jul" in pages["queue"]  # the scam's SLA: 15 minutes
    assert 'First reply by</dt><dd class="sla"><time' in pages["open case"]
    assert "10:15 BST, Wed 1 Jul 2026" in pages["open case"]
    assert "Handed off <time" in pages["open case"]
    assert "Closed <time" in pages["closed case"]
    assert "10:00 BST, Wed 1 Jul 2026" in pages["closed case"]
