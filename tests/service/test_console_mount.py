"""The console mounted on the service at ``/console``, and the demo chat at ``/demo/chat``.

One app, one agent: a message a channel posts is a case the COp sees. The two ways in stay
apart: a channel's bearer token never opens the console, and a COp's session cookie never
opens the channel API.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from resolution_agent.agent import ResolutionAgent
from resolution_agent.agent.console.sessions import COOKIE
from resolution_agent.agent.errors import ConfigurationError
from resolution_agent.agent.service import create_app
from tests.agent.conftest import OpenAgent
from tests.console.helpers import log_in, login_for_tests, post_form
from tests.service.conftest import AUTH, service_settings

HANDOFF = {
    "message_id": "m-1",
    "conversation_id": "c-human",
    "customer_id": "cus_1001",
    "text": "I want to speak to a real person please",
}


@pytest.fixture
async def agent(open_agent: OpenAgent) -> AsyncIterator[ResolutionAgent]:
    async with open_agent(checkpointer="memory") as opened:
        yield opened


@pytest.fixture
async def http(agent: ResolutionAgent) -> AsyncIterator[httpx.AsyncClient]:
    """The service with the console mounted, as ``resolve serve`` builds it."""
    app = create_app(
        agent.settings, agent=agent, service=service_settings(), console=login_for_tests()
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        yield client


async def test_a_message_a_channel_posts_is_a_case_in_the_mounted_console(
    http: httpx.AsyncClient,
) -> None:
    posted = await http.post("/v1/messages", json=HANDOFF, headers=AUTH)
    assert posted.json()["status"] == "handed_off"

    logged_in = await log_in(http, "cop_alice", base="/console")
    assert (logged_in.status_code, logged_in.headers["location"]) == (303, "/console/")
    assert "Path=/console;" in logged_in.headers["set-cookie"]  # never sent to /v1
    queue = await http.get("/console/")
    assert 'data-conversation="c-human"' in queue.text
    assert 'href="/console/cases/c-human"' in queue.text

    claimed = await post_form(http, "/cases/c-human/claim", {}, base="/console")
    assert claimed.headers["location"] == "/console/cases/c-human?done=claimed"
    outbox = await http.get("/v1/conversations/c-human/outbox", headers=AUTH)
    assert [i["payload"]["kind"] for i in outbox.json()["items"]] == ["case_claimed"]


async def test_a_channel_token_does_not_open_the_console(
    http: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    await http.post("/v1/messages", json=HANDOFF, headers=AUTH)

    page = await http.get("/console/", headers=AUTH)
    claim = await http.post("/console/cases/c-human/claim", data={"x": "y"}, headers=AUTH)

    for response in (page, claim):
        assert response.status_code == 303
        assert response.headers["location"] == "/console/login"
    assert (await agent.get_case("c-human")).status == "queued"


async def test_a_cop_session_does_not_open_the_channel_api(http: httpx.AsyncClient) -> None:
    await log_in(http, "cop_alice", base="/console")
    cookie = {"Cookie": f"{COOKIE}={http.cookies[COOKIE]}"}  # sent by hand: its path is /console

    posted = await http.post("/v1/messages", json=HANDOFF, headers=cookie)
    read = await http.get("/v1/conversations/c-human/outbox", headers=cookie)

    for response in (posted, read):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"


async def test_the_demo_chat_page_carries_a_working_token_of_its_own_channel(
    http: httpx.AsyncClient,
) -> None:
    page = await http.get("/demo/chat")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    found = re.search(r'const token = "([^"]+)"', page.text)
    assert found is not None
    token = found[1]
    assert token not in {"app-token-0123456789", "web-token-abcdef"}

    body = HANDOFF | {"message_id": "m-demo", "conversation_id": "c-demo"}
    answered = await http.post(
        "/v1/messages", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert answered.status_code == 200
    assert answered.json()["status"] == "handed_off"


@pytest.mark.parametrize(
    "overrides", [{"demo_chat": False}, {"host": "0.0.0.0"}], ids=["off", "not-loopback"]
)
async def test_no_demo_chat_when_off_or_off_loopback(
    agent: ResolutionAgent, overrides: dict[str, Any]
) -> None:
    app = create_app(agent.settings, agent=agent, service=service_settings(**overrides))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        assert (await client.get("/demo/chat")).status_code == 404
        assert (await client.get("/console/")).status_code == 404  # no login given: no console


async def test_the_demo_chat_is_refused_on_an_address_others_can_reach(
    agent: ResolutionAgent,
) -> None:
    with pytest.raises(ConfigurationError, match="loopback host only"):
        create_app(
            agent.settings, agent=agent, service=service_settings(host="0.0.0.0", demo_chat=True)
        )


def test_service_settings_read_the_console_and_demo_switches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RESOLVE_SERVICE_CONSOLE", "false")
    monkeypatch.setenv("RESOLVE_SERVICE_DEMO_CHAT", "true")
    settings = service_settings(channel_tokens={"app": SecretStr("t" * 20)})
    assert (settings.console, settings.demo_chat) == (False, True)
