"""The case page and its forms over ASGI: claim, reply, close, and the errors a COp can hit.

``client`` is logged in as cop_alice; every form acts as her, whatever the form says.
"""

from __future__ import annotations

import httpx

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.handoff_model import HandoffSummary
from tests.console.helpers import (
    CARD_SCAM,
    COMPLAINT_ID,
    COMPLAINT_TEXT,
    SCAM_ID,
    converse,
    csrf_of,
    post_form,
)

EVIL = "<script>alert(1)</script>"
PAN = "4111 1111 1111 1234"


async def test_case_page_shows_summary_transcript_and_forms(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/cases/{SCAM_ID}")
    assert response.status_code == 200
    html = response.text
    assert '<h2 class="headline">Scam or fraud reported' in html
    assert "ESC-FINCRIME-SCAM" in html
    assert "priority-urgent" in html
    assert "10:15 GMT, Fri 27 Nov 2026" in html
    assert "move my money to a safe account" in html
    assert 'action="/cases/conv-scam/claim"' in html
    assert "Claim as cop_alice" in html
    assert 'action="/cases/conv-scam/reply"' not in html  # only once claimed
    assert 'name="cop_id"' not in html  # the COp is whoever logged in, never a form field


async def test_claim_reply_close_write_the_store(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    claimed = await post_form(client, f"/cases/{SCAM_ID}/claim", {})
    assert claimed.status_code == 303
    assert claimed.headers["location"] == f"/cases/{SCAM_ID}?done=claimed"
    page = (await client.get(claimed.headers["location"])).text
    assert "You have claimed this case." in page
    assert 'action="/cases/conv-scam/reply"' in page

    replied = await post_form(client, f"/cases/{SCAM_ID}/reply", {"text": "Alice here, stay safe"})
    assert replied.status_code == 303
    closed = await post_form(client, f"/cases/{SCAM_ID}/close", {"resolution_code": "resolved"})
    assert closed.status_code == 303

    case = await agent.get_case(SCAM_ID)
    assert (case.status, case.owner, case.resolution_code) == ("closed", "cop_alice", "resolved")
    last = (await agent.get_conversation(SCAM_ID)).transcript[-1]
    assert (last.role, last.text) == ("cop", "Alice here, stay safe")
    page = (await client.get(f"/cases/{SCAM_ID}")).text
    assert '<li class="role-cop">' in page
    assert "reply" not in page.split('class="panel work"')[1].split("</div>")[0].lower()


async def test_a_cop_id_sent_in_a_form_is_ignored_the_session_decides(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    claimed = await post_form(client, f"/cases/{SCAM_ID}/claim", {"cop_id": "cop_bob"})
    assert claimed.status_code == 303
    assert (await agent.get_case(SCAM_ID)).owner == "cop_alice"
    queue = await client.get("/?cop_id=cop_bob")
    assert 'working as <strong class="cop-id">cop_alice</strong>' in queue.text


async def test_case_claimed_by_someone_else_is_409(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    await agent.claim_case(COMPLAINT_ID, "cop_bob")
    page = (await client.get(f"/cases/{COMPLAINT_ID}")).text
    assert "Claimed by cop_bob: only they can reply or close it." in page
    for path, data, message in (
        ("claim", {}, "case conv-complaint is claimed by cop_bob"),
        ("reply", {"text": "hi"}, "must be claimed by cop_alice before"),
        ("close", {"resolution_code": "resolved"}, "must be claimed by cop_alice"),
    ):
        response = await post_form(client, f"/cases/{COMPLAINT_ID}/{path}", data)
        assert response.status_code == 409, path
        assert "cannot be changed by you now" in response.text
        assert message in response.text
        assert f'href="/cases/{COMPLAINT_ID}">Back to the case' in response.text
    assert (await agent.get_case(COMPLAINT_ID)).owner == "cop_bob"


async def test_bad_forms_are_400_and_change_nothing(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    await agent.claim_case(SCAM_ID, "cop_alice")
    blank = await post_form(client, f"/cases/{SCAM_ID}/reply", {"text": " "})
    assert blank.status_code == 400
    assert "the reply is required" in blank.text
    code = await post_form(client, f"/cases/{SCAM_ID}/close", {"resolution_code": "bribed"})
    assert code.status_code == 400
    assert "resolution code must be one of resolved" in code.text
    token = csrf_of((await client.get("/")).text)
    as_json = await client.post(f"/cases/{SCAM_ID}/close", json={"csrf_token": token})
    assert as_json.status_code == 400
    assert "application/x-www-form-urlencoded" in as_json.text
    assert (await agent.get_case(SCAM_ID)).status == "claimed"
    assert [m for m in (await agent.get_conversation(SCAM_ID)).transcript if m.role == "cop"] == []


async def test_form_from_another_site_is_refused(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    token = csrf_of((await client.get("/")).text)
    for headers in ({"origin": "http://evil.example"}, {"sec-fetch-site": "cross-site"}):
        response = await client.post(
            f"/cases/{SCAM_ID}/claim", data={"csrf_token": token}, headers=headers
        )
        assert response.status_code == 403
    assert (await agent.get_case(SCAM_ID)).status == "queued"
    same = await client.post(
        f"/cases/{SCAM_ID}/claim", data={"csrf_token": token}, headers={"origin": "http://console"}
    )
    assert same.status_code == 303
    assert (await agent.get_case(SCAM_ID)).owner == "cop_alice"


async def test_customer_text_is_escaped(client: httpx.AsyncClient, agent: ResolutionAgent) -> None:
    reply = await agent.handle_message("conv-evil", "cus_1001", f"I want to complain {EVIL}")
    assert reply.handoff is not None
    html = (await client.get("/cases/conv-evil")).text
    assert EVIL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


async def test_summary_json_is_the_stored_summary(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    response = await client.get(f"/cases/{SCAM_ID}/summary.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    stored = (await agent.get_case(SCAM_ID)).summary
    assert HandoffSummary.model_validate_json(response.text) == stored


async def test_the_transcript_and_the_actions_are_shown_once(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    reply = await converse(agent, "conv-card-scam", *CARD_SCAM)
    assert reply.handoff is not None and len(reply.handoff.actions) == 2

    html = (await client.get("/cases/conv-card-scam")).text

    for message in CARD_SCAM[1]:
        assert html.count(message) == 1, message
    assert html.count("<code>freeze_card</code>") == 1
    assert html.count("<code>list_cards</code>") == 1
    assert "Transcript at handoff" not in html
    assert "What was done" not in html
    assert html.count('<ol class="transcript') == 1
    assert "Suggested next steps" in html  # the rest of the summary is still there


async def test_a_card_number_the_customer_typed_is_masked_in_the_conversation(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    await agent.handle_message("conv-pan", "cus_1001", f"{COMPLAINT_TEXT}, my card is {PAN}")

    html = (await client.get("/cases/conv-pan")).text

    assert PAN not in html and PAN.replace(" ", "") not in html
    assert "[card ending 1234]" in html


async def test_the_case_page_lists_the_customers_other_cases(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    await agent.handle_message("conv-again", "cus_1001", "I want to speak to a human")
    await agent.claim_case("conv-again", "cop_bob")

    html = (await client.get(f"/cases/{COMPLAINT_ID}")).text

    others = html.split('<div class="panel other-cases">')[1].split("</div>")[0]
    assert 'href="/cases/conv-again"' in others
    assert 'class="status">claimed <span class="muted">by cop_bob</span>' in others
    assert "Customer asked for a person" in others
    assert COMPLAINT_ID not in others and SCAM_ID not in others
    back = (await client.get("/cases/conv-again")).text
    assert f'href="/cases/{COMPLAINT_ID}"' in back.split('class="panel other-cases"')[1]


async def test_a_customers_only_case_says_so_and_lists_no_others(
    client: httpx.AsyncClient,
) -> None:
    html = (await client.get(f"/cases/{SCAM_ID}")).text
    assert 'class="panel other-cases"' not in html
    assert "the only case of <code>cus_1008</code>" in html


async def test_a_closed_case_of_the_customer_is_listed_as_closed(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    await agent.handle_message("conv-old", "cus_1001", "I want to speak to a human")
    await agent.claim_case("conv-old", "cop_bob")
    await agent.close_case("conv-old", "cop_bob", "resolved")

    html = (await client.get(f"/cases/{COMPLAINT_ID}")).text

    others = html.split('<div class="panel other-cases">')[1]
    assert 'data-conversation="conv-old"' in others
    assert 'class="status">closed' in others
