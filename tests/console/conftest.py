"""Fixtures of the console tests: an open agent with real handoffs, ASGI clients, Chromium.

``client`` is logged in as cop_alice through the login form; ``anonymous`` has not logged in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.async_api import Browser, async_playwright

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.console import ConsoleLogin, create_console_app
from tests.console.helpers import (
    hand_off,
    launch_chromium,
    login_for_tests,
    require_chromium,
    settings,
    signed_in,
)


@pytest.fixture
async def agent(tmp_path: Path) -> AsyncIterator[ResolutionAgent]:
    async with ResolutionAgent(settings(tmp_path)) as opened:
        await hand_off(opened)
        yield opened


@pytest.fixture
def login() -> ConsoleLogin:
    return login_for_tests()


@pytest.fixture
def app(agent: ResolutionAgent, login: ConsoleLogin) -> FastAPI:
    return create_console_app(agent, login)


@pytest.fixture
async def anonymous(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://console") as http:
        yield http


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with signed_in(app) as http:
        yield http


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
def served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, Any]]:
    """What ``resolve console`` or ``resolve serve`` would serve, and where; nothing is served.

    The data dir is ``tmp_path`` and no ``RESOLVE_CONSOLE_*`` setting leaks in from outside.
    """
    calls: list[dict[str, Any]] = []

    async def pretend_to_serve(server: uvicorn.Server, *_: Any, **__: Any) -> None:
        config = server.config
        calls.append({"app": config.app, "host": config.host, "port": config.port})
        server.started = True

    monkeypatch.setattr(uvicorn.Server, "serve", pretend_to_serve)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    monkeypatch.setenv("RESOLVE_DATA_DIR", str(tmp_path))
    for name in ("CONSOLE_CREDENTIALS", "CONSOLE_SESSION_SECRET", "SERVICE_CONSOLE"):
        monkeypatch.delenv(f"RESOLVE_{name}", raising=False)
    return calls
