"""The queue page over ASGI: exactly ``list_cases`` order, its filters and search by id, the
cases alone for its live refresh, and a customer's several cases shown as theirs."""

from __future__ import annotations

import re

import httpx

from resolution_agent.agent.api import ResolutionAgent
from tests.console.helpers import COMPLAINT_ID, COMPLAINT_TEXT, SCAM_ID

#: A second case of the complaint's customer (cus_1001), less urgent than the scam.
SECOND_ID = "conv-complaint-again"


def rows(html: str) -> list[str]:
    return re.findall(r'<tr class="case" data-conversation="([^"]+)"', html)


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


async def test_search_finds_a_customer_or_conversation_by_its_id_or_the_start_of_it(
    client: httpx.AsyncClient,
) -> None:
    assert rows((await client.get("/?q=cus_1001")).text) == [COMPLAINT_ID]
    assert rows((await client.get("/?q=conv-scam")).text) == [SCAM_ID]
    assert rows((await client.get("/?q=conv-sc")).text) == [SCAM_ID]
    assert rows((await client.get("/?q=CUS_100")).text) == [SCAM_ID, COMPLAINT_ID]
    assert rows((await client.get("/?q=+cus_1008+")).text) == [SCAM_ID]
    assert rows((await client.get("/?q=&queue=")).text) == [SCAM_ID, COMPLAINT_ID]


async def test_search_matches_the_start_of_an_id_only_and_says_when_nothing_matches(
    client: httpx.AsyncClient,
) -> None:
    html = (await client.get("/?q=1001")).text
    assert rows(html) == []
    assert "No cases match these filters." in html
    assert rows((await client.get("/?q=cus_1001&queue=fincrime")).text) == []


async def test_search_box_keeps_the_search_and_offers_to_clear_it(
    client: httpx.AsyncClient,
) -> None:
    html = (await client.get("/?q=cus_1001")).text
    assert '<input type="search" name="q" value="cus_1001"' in html
    assert '<a href="/">clear</a>' in html
    assert '<a href="/">clear</a>' not in (await client.get("/")).text


async def test_a_search_longer_than_any_id_is_a_clear_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/?q=" + "x" * 129)
    assert response.status_code == 400
    assert "a search is at most 128 characters" in response.text


async def test_queue_cases_alone_are_what_the_page_shows_with_the_same_filters(
    client: httpx.AsyncClient,
) -> None:
    for query in ("", "?queue=complaints", "?q=conv-sc", "?closed=true"):
        page = (await client.get(f"/{query}")).text
        alone = await client.get(f"/queue/cases{query}")
        assert alone.status_code == 200
        assert rows(alone.text) == rows(page), query
        assert "<html" not in alone.text
        assert alone.text.strip() in page
    page = (await client.get("/")).text
    assert 'data-src="/queue/cases"' in page
    assert 'data-poll-s="5"' in page


async def test_a_customer_with_several_open_cases_is_shown_on_each_of_their_rows(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    again = await agent.handle_message(SECOND_ID, "cus_1001", COMPLAINT_TEXT)
    assert again.handoff is not None

    html = (await client.get("/")).text

    assert rows(html) == [c.conversation_id for c in await agent.list_cases()]
    assert rows(html)[0] == SCAM_ID  # most urgent first still wins over the grouping
    badge = '<a class="same-customer" href="/?q=cus_1001"'
    assert html.count(badge) == 2
    assert "2 open cases</a>" in html
    assert rows((await client.get("/?q=cus_1001")).text) == [COMPLAINT_ID, SECOND_ID]
    # Counted over every queue, whatever the page is filtered to.
    assert badge in (await client.get("/?q=conv-complaint-again")).text


async def test_a_closed_case_is_not_counted_among_a_customers_open_cases(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    await agent.handle_message(SECOND_ID, "cus_1001", COMPLAINT_TEXT)
    await agent.claim_case(SECOND_ID, "cop_alice")
    await agent.close_case(SECOND_ID, "cop_alice", "resolved")

    assert 'class="same-customer"' not in (await client.get("/?closed=true")).text
