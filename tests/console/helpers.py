"""Shared by the console tests and the screenshot script: real handoffs, logins, Chromium.

Cases are made by sending real customer messages through the agent, so the console is tested
against summaries the agent actually writes, not hand-built fixtures. COps log in through the
real login form; their passwords are hashed at a low scrypt cost (the cost travels inside
each hash, so the console checks them exactly as it checks real ones, only faster).
"""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.async_api import Browser, Page, Playwright

from resolution_agent.agent.api import Reply, ResolutionAgent
from resolution_agent.agent.console import ConsoleLogin
from resolution_agent.agent.console.credentials import FixedPasswords, hash_password
from resolution_agent.agent.console.sessions import SessionCookies
from resolution_agent.agent.settings import Settings

CLOCK = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
SCAM_ID = "conv-scam"
COMPLAINT_ID = "conv-complaint"
SCAM_TEXT = (
    "someone rang pretending to be from the bank and told me to move my money to a safe account"
)
COMPLAINT_TEXT = "I want to make a formal complaint"
#: A customer who loses a card (the agent freezes it) and then reports a scam: a case whose
#: conversation holds actions on the account as well as messages.
CARD_SCAM = (
    "cus_1006",
    [
        "I lost my card, please freeze it",
        "the one ending 3014",
        "someone rang pretending to be from the bank and told me to move my money "
        "to a safe account",
    ],
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_CHROMIUM = (
    f"{CHROMIUM} is missing: the console's browser tests need Debian's chromium. Install it with "
    "`apt-get update && apt-get install -y chromium` (not `playwright install`, which downloads "
    "its own browsers)."
)


PASSWORD = "correct horse battery staple"
COPS = ("cop_alice", "cop_bob", "cop_sam")
CHEAP_LOG_N = 10
SECRET = b"console-test-secret-0123456789abcdef"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def login_for_tests(*, ttl_s: int = 3600, clock: Callable[[], float] = time.time) -> ConsoleLogin:
    """COps :data:`COPS`, each with :data:`PASSWORD`."""
    stored = hash_password(PASSWORD, log_n=CHEAP_LOG_N)
    return ConsoleLogin(
        passwords=FixedPasswords(dict.fromkeys(COPS, stored)),
        sessions=SessionCookies(SECRET, ttl_s=ttl_s, clock=clock),
    )


def csrf_of(html: str) -> str:
    """The CSRF token in a console page's forms."""
    found = _CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found[1]


async def log_in(
    client: httpx.AsyncClient, cop_id: str, password: str = PASSWORD, *, base: str = ""
) -> httpx.Response:
    """Open the login page and send its form, as a browser does."""
    form = await client.get(f"{base}/login")
    return await client.post(
        f"{base}/login",
        data={"cop_id": cop_id, "password": password, "csrf_token": csrf_of(form.text)},
    )


@asynccontextmanager
async def signed_in(app: FastAPI, cop_id: str = "cop_alice") -> AsyncIterator[httpx.AsyncClient]:
    """An ASGI client of ``app``, logged in as ``cop_id`` through the login form."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://console") as http:
        assert (await log_in(http, cop_id)).status_code == 303
        yield http


async def post_form(
    client: httpx.AsyncClient, path: str, data: dict[str, str], *, base: str = ""
) -> httpx.Response:
    """POST a console form with the session's CSRF token, read from the queue page."""
    token = csrf_of((await client.get(f"{base}/")).text)
    return await client.post(f"{base}{path}", data={**data, "csrf_token": token})


async def log_in_page(page: Page, console_url: str, cop_id: str) -> None:
    """Log in through the browser: the console sends a visitor to its login page first."""
    await page.goto(console_url + "/")
    await page.fill("form.login input[name=cop_id]", cop_id)
    await page.fill("form.login input[name=password]", PASSWORD)
    await page.click("form.login button")
    await page.wait_for_selector(".cop-id")


def free_port() -> int:
    """A port nothing listens on now, for commands that check theirs before starting."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def settings(data_dir: Path) -> Settings:
    """A fixed clock, so SLA deadlines (and "overdue") are the same on every run."""
    return Settings(data_dir=data_dir, clock=CLOCK)


async def hand_off(agent: ResolutionAgent) -> None:
    """Two real handoffs: a scam (fincrime, urgent) and a complaint (complaints, normal)."""
    scam = await agent.handle_message(SCAM_ID, "cus_1008", SCAM_TEXT)
    complaint = await agent.handle_message(COMPLAINT_ID, "cus_1001", COMPLAINT_TEXT)
    assert scam.handoff is not None and scam.handoff.queue == "fincrime", scam
    assert complaint.handoff is not None and complaint.handoff.queue == "complaints", complaint


async def converse(
    agent: ResolutionAgent, conversation_id: str, customer_id: str, messages: list[str]
) -> Reply:
    """Send ``messages`` in turn as the customer; the last reply."""
    replies = [await agent.handle_message(conversation_id, customer_id, m) for m in messages]
    return replies[-1]


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on a free 127.0.0.1 port in this event loop; yield its URL.

    The socket is bound here and handed to uvicorn, so no other process can take the port
    between choosing and listening.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, ws="none", lifespan="on")
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()  # raises what stopped the server
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


def require_chromium(path: Path = CHROMIUM) -> None:
    """No Chromium fails the test (never a skip: CI must run the browser tests)."""
    if not path.exists():
        pytest.fail(MISSING_CHROMIUM, pytrace=False)


async def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless; never a browser downloaded by ``playwright install``."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(MISSING_CHROMIUM)
    return await playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
