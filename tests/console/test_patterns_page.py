"""The Patterns page over ASGI, and ``ResolutionAgent.pattern_alerts`` behind it.

The alerts come from the agent's real signal log with a stream appended to it
(:mod:`tests.console.pattern_signals`): a scam campaign going on now and one that ended this
morning, over two days of ordinary turns. ``client`` is logged in as cop_alice.
"""

from __future__ import annotations

import json
import re
from contextlib import AsyncExitStack
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.console.times import local_time, when
from resolution_agent.agent.desk.patterns import LAG
from resolution_agent.agent.errors import AgentClosedError, InvalidRequestError
from resolution_agent.agent.patterns import Alert
from resolution_agent.agent.patterns.log import open_signal_log
from resolution_agent.agent.patterns.service import current_alerts
from tests.console.helpers import CLOCK, SCAM_ID, settings
from tests.console.pattern_signals import (
    HOSTILE_EXAMPLE,
    LIVE_CONVERSATIONS,
    LIVE_PAYEE,
    LIVE_STARTS,
    PAST_CONVERSATIONS,
    PAST_ENDS,
    PAST_LINK,
    append_signals,
    incident_signals,
)

LIVE = f"payee:{LIVE_PAYEE}"
PAST = f"link:{PAST_LINK}"


@pytest.fixture
async def incidents(agent: ResolutionAgent) -> None:
    await append_signals(agent, incident_signals())


def section(html: str, subject: str) -> str:
    """The ``<section>`` of the alert about ``subject`` on the page."""
    found = re.search(
        rf'<section [^>]*data-subject="{re.escape(subject)}".*?</section>', html, re.S
    )
    assert found is not None, f"no alert about {subject} on the page"
    return found[0]


def subjects(html: str) -> list[str]:
    return re.findall(r'data-subject="([^"]+)"', html)


async def alert_about(agent: ResolutionAgent, subject: str) -> Alert:
    (alert,) = [a for a in await agent.pattern_alerts() if a.subject == subject]
    return alert


@pytest.mark.usefixtures("incidents")
async def test_open_alert_shows_what_since_when_counts_action_and_cases(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    alert = await alert_about(agent, LIVE)
    # The detectors found the campaign within half an hour of its first report.
    assert LIVE_STARTS <= alert.opened_at <= LIVE_STARTS + timedelta(minutes=30)
    response = await client.get("/patterns")
    assert response.status_code == 200
    live = section(response.text, LIVE)
    assert 'class="panel alert open"' in live
    assert f"severity-{alert.severity}" in live
    assert f"naming the same payee &#39;{LIVE_PAYEE}&#39; in 4 conversations" in live
    assert "<code>PAT-SCAM-REPEAT</code>" in live
    assert f'<dd class="opened">{when(alert.opened_at)}</dd>' in live
    assert f"<strong>{len(LIVE_CONVERSATIONS)}</strong> / 0.0" in live
    assert "pass the payee or link to the fraud team" in live
    # The one conversation a COp has a case for is a link; the others are ids.
    assert re.findall(r'class="case-link" href="([^"]+)"', live) == [f"/cases/{SCAM_ID}"]
    others = re.findall(r'<code class="conversation"[^>]*>([^<]+)</code>', live)
    assert others == [c for c in LIVE_CONVERSATIONS if c != SCAM_ID]


@pytest.mark.usefixtures("incidents")
async def test_chart_draws_a_point_per_bucket_of_the_alerts_series(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    alert = await alert_about(agent, LIVE)
    live = section((await client.get("/patterns")).text, LIVE)
    assert f'data-points="{len(alert.series)}"' in live
    drawn = re.findall(r'<circle class="point"[^>]*data-observed="(\d+)"', live)
    assert [int(n) for n in drawn] == [p.observed for p in alert.series]
    assert sum(int(n) for n in drawn) == len(LIVE_CONVERSATIONS)  # one per conversation
    assert '<polyline class="expected"' in live and '<polyline class="observed"' in live
    assert f"<title>opened {local_time(alert.opened_at)}</title>" in live


@pytest.mark.usefixtures("incidents")
async def test_closed_alert_is_listed_after_the_open_ones_with_when_it_closed(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    alert = await alert_about(agent, PAST)
    assert alert.closed_at is not None and PAST_ENDS < alert.closed_at < CLOCK - timedelta(hours=6)
    html = (await client.get("/patterns")).text
    assert subjects(html) == [LIVE, PAST]
    past = section(html, PAST)
    assert 'class="panel alert closed"' in past
    assert f'<dd class="closed-at">{when(alert.closed_at)}</dd>' in past
    assert all(f">{c}</code>" in past for c in PAST_CONVERSATIONS)
    assert "(1, last seen since" in html.split('class="closed-heading"')[1].split("</h2>")[0]


@pytest.mark.usefixtures("incidents")
async def test_a_shorter_window_leaves_out_alerts_that_closed_before_it(
    client: httpx.AsyncClient,
) -> None:
    html = (await client.get("/patterns?hours=6")).text
    assert subjects(html) == [LIVE]
    assert "No closed alert from the last 6 hours." in html
    assert '<option value="6" selected>' in html


async def test_a_window_not_offered_is_a_clear_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/patterns?hours=5")
    assert response.status_code == 400
    assert "hours must be one of 6, 24, 72, 168; got 5" in response.text


@pytest.mark.usefixtures("incidents")
async def test_customer_words_in_examples_are_escaped(client: httpx.AsyncClient) -> None:
    live = section((await client.get("/patterns")).text, LIVE)
    assert "<script>" not in live
    assert "they said pay J SMITH &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; at once" in live
    assert HOSTILE_EXAMPLE.startswith("they said pay J SMITH <script>")


async def test_empty_signal_log_says_nothing_is_unusual(client: httpx.AsyncClient) -> None:
    response = await client.get("/patterns")
    assert response.status_code == 200
    assert subjects(response.text) == []
    assert "No open alerts: nothing unusual across conversations now." in response.text
    assert "No closed alert from the last 24 hours." in response.text


async def test_every_page_links_to_patterns_once_logged_in(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient
) -> None:
    assert 'href="/patterns">Patterns</a>' in (await client.get("/")).text
    assert "/patterns" not in (await anonymous.get("/login")).text


async def test_without_a_session_the_page_and_its_json_send_to_login(
    anonymous: httpx.AsyncClient,
) -> None:
    for path in ("/patterns", "/patterns.json"):
        response = await anonymous.get(path)
        assert (response.status_code, response.headers["location"]) == (303, "/login")


@pytest.mark.usefixtures("incidents")
async def test_json_is_what_pattern_alerts_returns(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    response = await client.get("/patterns.json?hours=24")
    assert response.headers["content-type"] == "application/json"
    expected = [a.model_dump(mode="json") for a in await agent.pattern_alerts()]
    assert json.loads(response.text) == expected
    assert [a["subject"] for a in expected] == [PAST, LIVE]  # in the order opened


@pytest.mark.usefixtures("incidents")
async def test_pattern_alerts_since_leaves_out_what_closed_before_it(
    agent: ResolutionAgent,
) -> None:
    every = await agent.pattern_alerts(since=CLOCK - timedelta(days=1))
    recent = await agent.pattern_alerts(since=CLOCK - timedelta(hours=1))
    assert [a.subject for a in every] == [PAST, LIVE]
    assert [a.subject for a in recent] == [LIVE]
    assert await agent.pattern_alerts() == every  # the last 24 hours by default


async def test_pattern_alerts_refuses_a_time_without_zone_or_in_the_future(
    agent: ResolutionAgent,
) -> None:
    with pytest.raises(InvalidRequestError, match="since needs a time zone"):
        await agent.pattern_alerts(since=datetime(2026, 11, 27, 9, 0))
    with pytest.raises(InvalidRequestError, match="is after now"):
        await agent.pattern_alerts(since=CLOCK + timedelta(minutes=1))


@pytest.mark.usefixtures("incidents")
async def test_pattern_alerts_are_a_replay_of_the_log_up_to_a_minute_ago(
    agent: ResolutionAgent,
) -> None:
    async with AsyncExitStack() as stack:
        log = await open_signal_log(agent.settings, stack)
        day, hour = CLOCK - timedelta(days=1), CLOCK - timedelta(hours=1)
        # A narrow window first, then a wider one (the kept engine cannot answer it: a replay).
        assert await agent.pattern_alerts(since=hour) == await current_alerts(
            log, since=hour, now=CLOCK - LAG
        )
        assert await agent.pattern_alerts(since=day) == await current_alerts(
            log, since=day, now=CLOCK - LAG
        )


async def test_pattern_alerts_of_an_agent_not_open_say_how_to_open_it(tmp_path: Path) -> None:
    with pytest.raises(AgentClosedError, match="async with ResolutionAgent"):
        await ResolutionAgent(settings(tmp_path)).pattern_alerts()
