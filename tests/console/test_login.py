"""Logging in to the console: who may open what, the session cookie, CSRF, logout, expiry."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.console import ConsoleLogin, create_console_app
from resolution_agent.agent.console.sessions import COOKIE, SessionCookies
from tests.console.helpers import (
    PASSWORD,
    SCAM_ID,
    csrf_of,
    log_in,
    login_for_tests,
    post_form,
)

#: Every route of the console but the login page's.
ROUTES = [
    ("GET", "/"),
    ("GET", "/queue/cases"),
    ("GET", f"/cases/{SCAM_ID}"),
    ("GET", f"/cases/{SCAM_ID}/summary.json"),
    ("POST", f"/cases/{SCAM_ID}/claim"),
    ("POST", f"/cases/{SCAM_ID}/reply"),
    ("POST", f"/cases/{SCAM_ID}/close"),
    ("POST", "/logout"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_every_page_and_form_sends_a_visitor_without_a_session_to_login(
    anonymous: httpx.AsyncClient, agent: ResolutionAgent, method: str, path: str
) -> None:
    response = await anonymous.request(
        method,
        path,
        data={"text": "hi", "resolution_code": "resolved"} if method == "POST" else None,
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert (await agent.get_case(SCAM_ID)).status == "queued"


async def test_a_cop_logs_in_and_gets_a_strict_httponly_cookie_that_expires(
    anonymous: httpx.AsyncClient,
) -> None:
    response = await log_in(anonymous, "cop_alice")

    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    for attribute in ("HttpOnly", "SameSite=strict", "Max-Age=3600", "Path=/"):
        assert attribute in cookie, attribute
    assert "Secure" not in cookie  # plain http in the test; set under https
    queue = await anonymous.get("/")
    assert queue.status_code == 200
    assert '<strong class="cop-id">cop_alice</strong>' in queue.text


@pytest.mark.parametrize(
    ("cop_id", "password"),
    [("cop_alice", "not the password"), ("cop_nobody", PASSWORD), ("not ok!", PASSWORD)],
    ids=["wrong-password", "unknown-cop", "malformed-id"],
)
async def test_a_wrong_cop_id_or_password_is_401_and_opens_nothing(
    anonymous: httpx.AsyncClient, cop_id: str, password: str
) -> None:
    response = await log_in(anonymous, cop_id, password)

    assert response.status_code == 401
    assert "Wrong COp id or password." in response.text
    assert 'name="password"' in response.text  # the form again
    assert (await anonymous.get("/")).headers["location"] == "/login"


async def test_the_login_form_needs_its_own_token(anonymous: httpx.AsyncClient) -> None:
    form = {"cop_id": "cop_alice", "password": PASSWORD}
    no_session = await anonymous.post("/login", data=form)
    await anonymous.get("/login")
    no_token = await anonymous.post("/login", data=form)
    wrong_token = await anonymous.post("/login", data={**form, "csrf_token": "x" * 32})

    for response in (no_session, no_token, wrong_token):
        assert response.status_code == 403
        assert "security token is missing or out of date" in response.text
    assert (await anonymous.get("/")).headers["location"] == "/login"


async def test_logging_in_replaces_the_token_of_the_login_form(
    anonymous: httpx.AsyncClient,
) -> None:
    before = csrf_of((await anonymous.get("/login")).text)
    await log_in(anonymous, "cop_alice")
    after = csrf_of((await anonymous.get("/")).text)
    assert after != before


async def test_a_form_without_its_csrf_token_is_403_and_changes_nothing(
    client: httpx.AsyncClient, agent: ResolutionAgent
) -> None:
    missing = await client.post(f"/cases/{SCAM_ID}/claim", data={"claim": "yes"})
    wrong = await client.post(f"/cases/{SCAM_ID}/claim", data={"csrf_token": "y" * 32})

    for response in (missing, wrong):
        assert response.status_code == 403
        assert "Form refused" in response.text
    assert (await agent.get_case(SCAM_ID)).status == "queued"


async def test_logout_ends_the_session(client: httpx.AsyncClient) -> None:
    assert (
        await client.post("/logout", data={"out": "yes"})
    ).status_code == 403  # needs the token too

    response = await post_form(client, "/logout", {})

    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert f'{COOKIE}=""' in response.headers["set-cookie"]
    assert (await client.get("/")).headers["location"] == "/login"


async def test_a_logged_in_cop_opening_the_login_page_goes_to_the_queue(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/login")
    assert (response.status_code, response.headers["location"]) == (303, "/")


async def test_a_session_past_its_expiry_is_sent_to_login(agent: ResolutionAgent) -> None:
    now = [1_000_000.0]
    app = create_console_app(agent, login_for_tests(ttl_s=600, clock=lambda: now[0]))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://console") as http:
        await log_in(http, "cop_alice")
        now[0] += 599
        assert (await http.get("/")).status_code == 200
        now[0] += 2
        assert (await http.get("/")).headers["location"] == "/login"


async def test_a_cookie_edited_to_another_cop_is_refused(anonymous: httpx.AsyncClient) -> None:
    await log_in(anonymous, "cop_alice")
    payload, signature = anonymous.cookies[COOKIE].split(".")
    session = json.loads(base64.urlsafe_b64decode(payload))
    forged = base64.urlsafe_b64encode(json.dumps({**session, "cop_id": "cop_bob"}).encode())
    anonymous.cookies.set(COOKIE, f"{forged.decode()}.{signature}")

    assert (await anonymous.get("/")).headers["location"] == "/login"


async def test_a_session_signed_by_another_console_is_refused(
    agent: ResolutionAgent, anonymous: httpx.AsyncClient
) -> None:
    same_cops = login_for_tests().passwords
    other = create_console_app(
        agent, ConsoleLogin(same_cops, SessionCookies(b"another-secret-" * 3, ttl_s=60))
    )
    transport = httpx.ASGITransport(app=other)
    async with httpx.AsyncClient(transport=transport, base_url="http://console") as http:
        await log_in(http, "cop_alice")
        anonymous.cookies.set(COOKIE, http.cookies[COOKIE])
    assert (await anonymous.get("/")).headers["location"] == "/login"


async def test_pages_may_not_be_framed_or_cached(client: httpx.AsyncClient) -> None:
    for response in (await client.get("/"), await client.get("/login")):
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cache-control"] == "no-store"
