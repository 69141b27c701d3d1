"""A server command on a busy port fails at once, in one line, before the agent opens."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from resolution_agent.agent.cli import app
from resolution_agent.agent.console.cli import register as register_console
from resolution_agent.agent.ports import check_port_free
from resolution_agent.agent.service.cli import register as register_serve
from resolution_agent.tools.errors import ConfigurationError


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another process (here: this one) is listening on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.fixture
def servers() -> typer.Typer:
    """``console`` and ``serve`` on a fresh app, registered as their entry points do."""
    root = typer.Typer()

    @root.callback()
    def _root() -> None:
        """Stand-in for the resolve command."""

    register_console(root)
    register_serve(root)
    return root


@pytest.fixture(autouse=True)
def _data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESOLVE_DATA_DIR", str(tmp_path / "data"))


def test_a_busy_port_names_the_port_and_what_to_do(busy_port: int) -> None:
    with pytest.raises(ConfigurationError) as raised:
        check_port_free("127.0.0.1", busy_port)

    assert str(raised.value) == (
        f"port {busy_port} is already in use on 127.0.0.1 (another resolve server?); "
        "stop that process, or choose another port with --port"
    )


def test_a_free_port_passes_and_stays_free() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    check_port_free("127.0.0.1", port)
    check_port_free("127.0.0.1", port)  # the check let it go again


def test_an_unknown_host_is_one_line() -> None:
    with pytest.raises(ConfigurationError, match="not an address or a known host name"):
        check_port_free("no such host.invalid", 8000)


@pytest.mark.parametrize(
    ("command", "choose"),
    [
        (["console", "--port"], "--port"),
        (["serve", "--host", "127.0.0.1", "--port"], "--port (or RESOLVE_SERVICE_PORT)"),
    ],
)
def test_console_and_serve_fail_at_once_on_a_busy_port(
    servers: typer.Typer, busy_port: int, command: list[str], choose: str
) -> None:
    started = time.perf_counter()
    result = CliRunner().invoke(servers, [*command, str(busy_port)])

    assert result.exit_code == 2, result.output
    assert result.stdout == ""  # the address is never announced
    assert result.stderr.strip().splitlines() == [
        f"error: port {busy_port} is already in use on 127.0.0.1 (another resolve server?); "
        f"stop that process, or choose another port with {choose}"
    ]
    print(f"refused in {time.perf_counter() - started:.2f} s")


def test_mockbank_fails_at_once_on_a_busy_port(busy_port: int) -> None:
    result = CliRunner().invoke(app, ["mockbank", "--port", str(busy_port)])

    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert f"port {busy_port} is already in use" in result.stderr
