"""``resolve console``: the command registers, listens on 127.0.0.1 only, and owns its agent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
import uvicorn
from typer.testing import CliRunner

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.console import create_console_app
from resolution_agent.agent.console.cli import register
from resolution_agent.agent.errors import AgentClosedError
from tests.console.helpers import hand_off, settings


def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """A group, as ``resolve`` is, so ``console`` is a subcommand."""

    register(app)
    return app


def test_console_serves_on_localhost_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    monkeypatch.setenv("RESOLVE_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(cli(), ["console", "--port", "8799"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8799" in result.output
    assert (calls[0]["host"], calls[0]["port"]) == ("127.0.0.1", 8799)


def test_console_help_has_port_and_no_host() -> None:
    result = CliRunner().invoke(cli(), ["console", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "8780" in result.output
    assert "--host" not in result.output


async def test_lifespan_opens_and_closes_its_own_agent(tmp_path: Path) -> None:
    async with ResolutionAgent(settings(tmp_path)) as seeding:
        await hand_off(seeding)  # an earlier process wrote the store
    agent = ResolutionAgent(settings(tmp_path))
    app = create_console_app(agent, open_agent=True)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://console") as http:
            response = await http.get("/")
        assert 'data-conversation="conv-scam"' in response.text
    with pytest.raises(AgentClosedError):
        await agent.list_cases()
