"""Without an extra installed, what needs it says which to install, and nothing else needs it.

Each test runs a fresh interpreter in which the extra's modules fail to import, as in an
install of the bare package (``pip install resolution-agent``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.packaging.probes import (
    IMPORT_ALL,
    OFFLINE_TURN,
    OPEN_AGENT,
    POSTGRES_MODULES,
    RESOLVE,
    SERVE_MODULES,
    offline_env,
    printed_json,
    run_probe,
)

WITHOUT_EXTRAS = POSTGRES_MODULES + SERVE_MODULES
DATABASE_URL = "postgresql://agent:hunter2-secret@127.0.0.1:1/resolve"


def test_an_offline_turn_on_sqlite_needs_neither_postgres_nor_uvicorn(tmp_path: Path) -> None:
    done = run_probe(
        OFFLINE_TURN, env=offline_env(tmp_path / "data"), cwd=tmp_path, without=WITHOUT_EXTRAS
    )

    seen = printed_json(done)
    assert seen["actions"] == ["list_cards", "freeze_card"]
    assert "frozen your card ending 4821" in seen["text"]
    assert seen["optional_loaded"] == []
    assert (tmp_path / "data" / "checkpoints.sqlite").is_file()


def test_every_module_but_the_postgres_backend_imports_without_the_extras(
    tmp_path: Path,
) -> None:
    """A top-level ``import psycopg`` (or uvicorn) anywhere else would break the bare install."""
    # The PostgreSQL backends: each is imported only when RESOLVE_DATABASE_URL is set.
    needs_postgres = [
        "resolution_agent.agent.storage.postgres",
        "resolution_agent.agent.patterns._postgres",
    ]

    done = run_probe(
        IMPORT_ALL,
        json.dumps(needs_postgres),
        env=offline_env(tmp_path / "data"),
        cwd=tmp_path,
        without=WITHOUT_EXTRAS,
    )

    assert printed_json(done)["failed"] == {}


def test_a_database_url_without_the_postgres_extra_stops_the_agent_with_the_pip_command(
    tmp_path: Path,
) -> None:
    env = offline_env(tmp_path / "data", RESOLVE_DATABASE_URL=DATABASE_URL)

    done = run_probe(OPEN_AGENT, env=env, cwd=tmp_path, without=POSTGRES_MODULES)

    assert done.returncode == 3, done.stderr[-4000:]
    message = done.stdout.strip()
    assert message.splitlines() == [message]
    assert "RESOLVE_DATABASE_URL" in message
    assert "pip install 'resolution-agent[postgres]'" in message
    assert "hunter2" not in message


@pytest.mark.parametrize("command", ["serve", "console", "mockbank"])
def test_a_server_command_without_the_serve_extra_says_what_to_install(
    tmp_path: Path, command: str
) -> None:
    done = run_probe(
        RESOLVE,
        command,
        env=offline_env(tmp_path / "data"),
        cwd=tmp_path,
        without=SERVE_MODULES,
    )

    assert done.returncode in (1, 2)
    assert done.stderr.strip().splitlines() == [
        f"error: resolve {command} needs 'uvicorn', which is not installed; "
        "install it with: pip install 'resolution-agent[serve]'"
    ]


def test_resolve_serve_on_a_database_url_without_the_postgres_extra_fails_before_serving(
    tmp_path: Path,
) -> None:
    env = offline_env(tmp_path / "data", RESOLVE_DATABASE_URL=DATABASE_URL)

    done = run_probe(RESOLVE, "serve", env=env, cwd=tmp_path, without=POSTGRES_MODULES)

    assert done.returncode == 2
    assert "resolve service on" not in done.stdout
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("error: RESOLVE_DATABASE_URL (the PostgreSQL backend) needs 'psycopg'")
    assert line.endswith("pip install 'resolution-agent[postgres]'")
