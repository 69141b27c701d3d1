"""The case page and its forms over ASGI: claim, reply, close, and the errors a COp can hit.

``client`` is logged in as cop_alice; every form acts as her, whatever the form says.
"""

from __future__ import annotations

import httpx

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.handoff_model import HandoffSummary
from tests.console.helpers import COMPLAINT_ID, SCAM_ID, csrf_of, post_form

EVIL = "<script>alert(1)</script>"


async def test_case_page_shows_summary_transcript_and_forms(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/cases/{SCAM_ID}")
    assert response.status_code == 200
    html = response.text
    assert '<h2 class="headline">Scam or fraud reported' in html
    assert "ESC-FINCRIME-SCAM" in html
    assert "priority-urgent" in html
    assert "10:15 UTC, Fri 27 Nov 2026" in html
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


async def test_unknown_case_is_404(client: httpx.AsyncClient) -> None:
    for response in (
        await client.get("/cases/conv-nope"),
        await client.get("/cases/conv-nope/summary.json"),
        await post_form(client, "/cases/conv-nope/claim", {}),
    ):
        assert response.status_code == 404
        assert "No such case" in response.text
        assert "no conversation &#39;conv-nope&#39; is stored" in response.text


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
