"""``resolve console``: listens on 127.0.0.1 only, logs COps in, owns its agent; ``add-cop``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from typer.testing import CliRunner

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.console import create_console_app
from resolution_agent.agent.console.cli import register
from resolution_agent.agent.console.credentials import PasswordFile
from resolution_agent.agent.errors import AgentClosedError
from tests.console.helpers import (
    PASSWORD,
    free_port,
    hand_off,
    log_in,
    login_for_tests,
    settings,
)


def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """A group, as ``resolve`` is, so ``console`` is a subcommand."""

    register(app)
    return app


def test_console_serves_on_localhost_only_with_a_demo_login_printed_once(
    served: list[dict[str, Any]],
) -> None:
    port = free_port()
    result = CliRunner().invoke(cli(), ["console", "--port", str(port)])

    assert result.exit_code == 0, result.output
    assert f"http://127.0.0.1:{port}" in result.stdout
    assert (served[0]["host"], served[0]["port"]) == ("127.0.0.1", port)
    assert f"demo login at http://127.0.0.1:{port}/login" in result.stderr
    assert "cop_amira" in result.stderr
    assert result.stderr.count("with password ") == 1


def test_add_cop_prompts_twice_and_the_console_then_uses_the_file(
    served: list[dict[str, Any]], tmp_path: Path
) -> None:
    added = CliRunner().invoke(cli(), ["console", "add-cop", "cop_sam"], input=f"{PASSWORD}\n" * 2)

    assert added.exit_code == 0, added.output
    path = tmp_path / "console_credentials.yaml"
    assert f"added cop_sam in {path}" in added.stdout
    assert PASSWORD not in added.output
    assert PasswordFile(path).check("cop_sam", PASSWORD)

    result = CliRunner().invoke(cli(), ["console", "--port", str(free_port())])
    assert result.exit_code == 0, result.output
    assert "demo login" not in result.output


def test_add_cop_with_a_short_password_exits_2_and_writes_nothing(
    served: list[dict[str, Any]], tmp_path: Path
) -> None:
    result = CliRunner().invoke(cli(), ["console", "add-cop", "cop_sam"], input="short\nshort\n")

    assert result.exit_code == 2
    assert "at least 12 characters" in result.stderr
    assert not (tmp_path / "console_credentials.yaml").exists()


def test_a_broken_credentials_file_stops_the_console_with_exit_2(
    served: list[dict[str, Any]], tmp_path: Path
) -> None:
    (tmp_path / "console_credentials.yaml").write_text("cops: {cop_sam: hunter2}")

    result = CliRunner().invoke(cli(), ["console", "--port", str(free_port())])

    assert result.exit_code == 2
    assert "console_credentials.yaml" in result.stderr
    assert served == []


def test_console_help_has_port_add_cop_and_no_host() -> None:
    result = CliRunner().invoke(cli(), ["console", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "8780" in result.output
    assert "add-cop" in result.output
    assert "--host" not in result.output


async def test_lifespan_opens_and_closes_its_own_agent(tmp_path: Path) -> None:
    async with ResolutionAgent(settings(tmp_path)) as seeding:
        await hand_off(seeding)  # an earlier process wrote the store
    agent = ResolutionAgent(settings(tmp_path))
    app = create_console_app(agent, login_for_tests(), open_agent=True)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://console") as http:
            await log_in(http, "cop_alice")
            response = await http.get("/")
        assert 'data-conversation="conv-scam"' in response.text
    with pytest.raises(AgentClosedError):
        await agent.list_cases()
