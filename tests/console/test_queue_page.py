"""The queue page over ASGI: exactly ``list_cases`` order, and its queue and skill filters."""

from __future__ import annotations

import re

import httpx

from resolution_agent.agent.api import ResolutionAgent
from tests.console.helpers import COMPLAINT_ID, SCAM_ID


def rows(html: str) -> list[str]:
    return re.findall(r'<tr class="case" data-conversation="([^"]+)">', html)


async def test_queue_is_list_cases_order_urgent_first(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert rows(response.text) == [c.conversation_id for c in await agent.list_cases()]
    assert rows(response.text) == [SCAM_ID, COMPLAINT_ID]
    assert 'href="/cases/conv-scam"' in response.text
    assert "Scam or fraud reported" in response.text


async def test_filters_by_queue_and_skill(client: httpx.AsyncClient) -> None:
    assert rows((await client.get("/?queue=complaints")).text) == [COMPLAINT_ID]
    assert rows((await client.get("/?skill=vulnerability")).text) == [SCAM_ID]
    assert rows((await client.get("/?queue=fincrime&skill=complaints")).text) == []
    # The form's "any" is an empty value.
    assert rows((await client.get("/?queue=&skill=")).text) == [SCAM_ID, COMPLAINT_ID]


async def test_filter_form_keeps_the_choice(client: httpx.AsyncClient) -> None:
    html = (await client.get("/?queue=complaints&skill=complaints")).text
    assert '<option value="complaints" selected>' in html
    assert html.count(" selected>") == 2


async def test_unknown_queue_is_a_clear_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/?queue=nope")
    assert response.status_code == 400
    assert "queue must be one of general, cards" in response.text


async def test_closed_cases_only_on_request(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    await agent.claim_case(COMPLAINT_ID, "cop_a")
    await agent.close_case(COMPLAINT_ID, "cop_a", "duplicate")
    assert rows((await client.get("/")).text) == [SCAM_ID]
    html = (await client.get("/?closed=true")).text
    assert rows(html) == [SCAM_ID, COMPLAINT_ID]
    assert "(duplicate)" in html
