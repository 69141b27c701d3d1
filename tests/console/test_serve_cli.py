"""``resolve serve`` with the console: the demo login on loopback, the settings elsewhere.

Here rather than in tests/service: the command checks its port is free (a real, local bind),
which the service tests' no-network guard refuses. Nothing is served (see ``served``).
"""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from resolution_agent.agent.service.cli import register
from tests.console.helpers import free_port


def serve_cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """A group, as ``resolve`` is, so ``serve`` is a subcommand."""

    register(app)
    return app


def test_serve_on_loopback_mounts_the_console_with_the_demo_login(
    served: list[dict[str, Any]],
) -> None:
    port = free_port()
    result = CliRunner().invoke(serve_cli(), ["serve", "--port", str(port)])

    assert result.exit_code == 0, result.output
    assert f"demo login at http://127.0.0.1:{port}/console/login" in result.stderr
    assert served[0]["host"] == "127.0.0.1"


def test_serve_elsewhere_without_a_session_secret_exits_2_and_says_what_to_set(
    served: list[dict[str, Any]],
) -> None:
    result = CliRunner().invoke(
        serve_cli(), ["serve", "--host", "0.0.0.0", "--port", str(free_port())]
    )

    assert result.exit_code == 2
    assert "RESOLVE_CONSOLE_SESSION_SECRET" in result.stderr
    assert served == []


def test_serve_elsewhere_without_the_console_needs_no_console_settings(
    served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RESOLVE_SERVICE_CONSOLE", "false")

    result = CliRunner().invoke(
        serve_cli(), ["serve", "--host", "0.0.0.0", "--port", str(free_port())]
    )

    assert result.exit_code == 0, result.output
    assert "demo login" not in result.output
    assert served[0]["host"] == "0.0.0.0"
