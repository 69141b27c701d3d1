"""A damaged or misplaced data file stops the agent with one line: the file, and what to run.

Faults are made for real: garbage written over a SQLite file, a file cut short, pages
overwritten inside a database, a data dir that is a file. The agent is opened through the
public API, and the command line is run as ``resolve`` runs (``main``, with its plugins).
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from resolution_agent.agent import Settings
from resolution_agent.agent.cli import app
from resolution_agent.agent.errors import StorageError
from resolution_agent.agent.logs import configure_logging
from tests.faults.conftest import CLOCK, OFFLINE_ENV, OpenAgent, cut_short, write_garbage

CUSTOMER = "cus_1001"
FILES = ["checkpoints.sqlite", "audit.sqlite", "cases.sqlite", "channel.sqlite"]


async def _some_conversations(open_agent: OpenAgent, count: int = 6) -> None:
    async with open_agent() as agent:
        for n in range(count):
            await agent.handle_message(f"conv-{n}", CUSTOMER, "where is my new card")
            await agent.handle_message(f"conv-{n}", CUSTOMER, "it was ordered last week")


def _error_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("name", FILES)
async def test_a_garbage_sqlite_file_stops_start_up_naming_it_and_how_to_start_again(
    open_agent: OpenAgent, tmp_path: Path, name: str
) -> None:
    path = tmp_path / "data" / name
    write_garbage(path)

    with pytest.raises(StorageError) as caught:
        async with open_agent():
            pass

    message = str(caught.value)
    assert caught.value.path == path
    assert f"{path} is damaged (not a SQLite database)" in message
    assert f"mv {path} {path}.damaged" in message
    assert "\n" not in message


async def test_a_checkpoint_file_cut_short_is_found_on_open_not_in_a_turn(
    open_agent: OpenAgent, tmp_path: Path
) -> None:
    await _some_conversations(open_agent)
    path = tmp_path / "data" / "checkpoints.sqlite"
    assert not path.with_name("checkpoints.sqlite-wal").exists()  # closed cleanly
    cut_short(path)

    with pytest.raises(StorageError, match=r"is damaged \(cut short: \d+ bytes where its header"):
        async with open_agent():
            pass


async def test_a_bad_page_found_in_a_turn_names_the_checkpoint_file(
    open_agent: OpenAgent, tmp_path: Path
) -> None:
    await _some_conversations(open_agent)
    path = tmp_path / "data" / "checkpoints.sqlite"
    page = int.from_bytes(path.read_bytes()[16:18], "big")
    with path.open("r+b") as file:  # every page but the first (the schema) overwritten
        file.seek(page)
        file.write(b"\xff" * (path.stat().st_size - page))

    async with open_agent() as agent:  # the header is sound: this is found on reading
        with pytest.raises(StorageError) as caught:
            await agent.handle_message("conv-1", CUSTOMER, "thanks")

    assert caught.value.path == path
    assert "malformed" in str(caught.value)
    assert f"mv {path} {path}.damaged" in str(caught.value)


def test_a_data_dir_that_is_a_file_is_refused_by_the_settings(tmp_path: Path) -> None:
    a_file = tmp_path / "data"
    a_file.write_text("not a folder\n", encoding="utf-8")

    with pytest.raises(ValidationError, match="is a file, not a folder"):
        Settings(data_dir=a_file)


@pytest.mark.usefixtures("offline_env")
def test_the_cli_prints_one_line_and_exits_1_for_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "data" / "checkpoints.sqlite"
    write_garbage(path)

    result = CliRunner().invoke(app, ["demo"])

    assert result.exit_code == 1, result.output
    [line] = _error_lines(result.stderr)
    assert line.startswith(f"error: {path} is damaged")
    assert "Traceback" not in result.output


@pytest.mark.usefixtures("offline_env")
def test_with_debug_logging_the_cli_keeps_the_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_garbage(tmp_path / "data" / "audit.sqlite")
    monkeypatch.setenv("RESOLVE_LOG_LEVEL", "debug")

    try:
        result = CliRunner().invoke(app, ["audit", "conv-1"])
    finally:
        configure_logging()  # the agent's debug handler wrote to the runner's closed stream

    assert isinstance(result.exception, StorageError)


def test_the_cli_refuses_a_data_dir_that_is_a_file_with_exit_2(
    offline_env: Path, tmp_path: Path
) -> None:
    offline_env.write_text("", encoding="utf-8")

    result = CliRunner().invoke(app, ["audit", "conv-1"])

    assert result.exit_code == 2, result.output
    assert f"RESOLVE_DATA_DIR: Value error, {offline_env} is a file" in result.stderr
    assert "Traceback" not in result.output


async def test_storage_check_names_the_damaged_file_and_passes_the_sound_ones(
    open_agent: OpenAgent, offline_env: Path
) -> None:
    await _some_conversations(open_agent)
    audit = offline_env / "audit.sqlite"
    page = int.from_bytes(audit.read_bytes()[16:18], "big")
    with audit.open("r+b") as file:
        file.seek(page)
        file.write(b"\x00\x01" * (page // 2))

    result = CliRunner().invoke(app, ["storage", "check"])

    assert result.exit_code == 1, result.output
    [line] = _error_lines(result.stderr)
    assert line.startswith(f"error: {audit} is damaged")
    assert f"ok       {offline_env / 'checkpoints.sqlite'}" in result.stdout
    assert f"ok       {offline_env / 'cases.sqlite'}" in result.stdout


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _resolve(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``resolve ARGS`` as installed: ``main`` with every plugin, in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-c", "from resolution_agent.agent.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_serve_start_up_with_a_damaged_file_is_one_line_not_uvicorns_traceback(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    write_garbage(data / "cases.sqlite")
    env = {
        "PATH": "/usr/bin:/bin",
        **OFFLINE_ENV,
        "RESOLVE_DATA_DIR": str(data),
        "RESOLVE_CLOCK": CLOCK.isoformat(),
        "RESOLVE_SERVICE_CONSOLE": "false",
        "RESOLVE_SERVICE_PORT": str(_free_port()),  # start-up stops before it is bound
    }

    done = _resolve(["serve"], env, tmp_path)

    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {data / 'cases.sqlite'} is damaged (not a SQLite database); it holds the COps' "
        f"cases. Stop the agent, then restore it from a backup, or move it aside to start "
        f"without it: mv {data / 'cases.sqlite'} {data / 'cases.sqlite'}.damaged"
    ]
    assert "Traceback" not in done.stderr
