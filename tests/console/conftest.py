"""Fixtures of the console tests: an open agent with real handoffs, and an ASGI client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.console import create_console_app
from tests.console.helpers import hand_off, settings


@pytest.fixture
async def agent(tmp_path: Path) -> AsyncIterator[ResolutionAgent]:
    async with ResolutionAgent(settings(tmp_path)) as opened:
        await hand_off(opened)
        yield opened


@pytest.fixture
async def client(agent: ResolutionAgent) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_console_app(agent))
    async with httpx.AsyncClient(transport=transport, base_url="http://console") as http:
        yield http
