"""A real PostgreSQL for the storage tests, started by the tests themselves.

One throwaway server per session: ``initdb`` into a temporary folder (as the ``postgres``
user when the tests run as root, since PostgreSQL refuses to run as root), started with
``pg_ctl`` on a Unix socket in that folder and no TCP listener, stopped and deleted at the end.
Each test gets a database of its own. Missing binaries fail the tests (never skip them):
``scripts/test`` installs Debian's ``postgresql`` package.

The ``storage`` fixture opens the agent's storage on each backend in turn, so one behaviour
test covers SQLite files, memory and PostgreSQL.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from resolution_agent.agent.settings import Settings
from resolution_agent.agent.storage import Storage, open_storage

SUPERUSER = "postgres"


@dataclass(frozen=True)
class PostgresServer:
    socket_dir: Path
    port: int

    def url(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@/{database}?host={self.socket_dir}&port={self.port}"


def postgres_bindir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: on PATH, or Debian's newest version."""
    on_path = shutil.which("initdb")
    if on_path is not None:
        return Path(on_path).resolve().parent
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        return None
    newest = max(found, key=lambda p: int(Path(p).parent.parent.name.split(".")[0]))
    return Path(newest).parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        pytest.fail(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for this test session, on a Unix socket in a temporary folder."""
    bindir = postgres_bindir()
    if bindir is None:
        pytest.fail(
            "PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin), "
            "and the storage tests need a real one: run the tests with scripts/test, which "
            "installs Debian's postgresql package, or install it: apt-get install -y postgresql"
        )
    # Short and world-traversable: the socket path has a length limit, and the postgres user
    # must reach the folder (a root-owned TMPDIR may not be).
    root = Path(
        tempfile.mkdtemp(prefix="resolve-pg-", dir="/tmp" if Path("/tmp").is_dir() else None)
    )
    as_user: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail(
                "the tests run as root but there is no 'postgres' user to run PostgreSQL as; "
                "run scripts/test (it installs Debian's postgresql package, which creates it)"
            )
        os.chown(root, account.pw_uid, account.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data = root / "data"
    server = PostgresServer(socket_dir=root, port=_free_port())
    _run(
        [
            *as_user,
            str(bindir / "initdb"),
            f"--pgdata={data}",
            f"--username={SUPERUSER}",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        ],
        "initdb",
    )
    options = (
        f"-p {server.port} -k {root} -c listen_addresses='' "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    pg_ctl = [*as_user, str(bindir / "pg_ctl"), f"--pgdata={data}"]
    _run([*pg_ctl, f"--log={root / 'server.log'}", "-o", options, "-w", "start"], "pg_ctl start")
    try:
        yield server
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], capture_output=True, check=False)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def database_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a new, empty database on the session's server, dropped after the test."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server.url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"'.encode())
    yield postgres_server.url(name)
    with psycopg.connect(postgres_server.url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)'.encode())


BACKENDS = ["sqlite", "memory", pytest.param("postgres", marks=pytest.mark.postgres)]


def storage_settings(backend: str, data_dir: Path, database_url: str | None) -> Settings:
    """Settings that pick ``backend``: ``sqlite``, ``memory`` or ``postgres``."""
    values: dict[str, Any] = {"data_dir": data_dir, "database_url": database_url}
    if backend != "postgres":
        values.update(checkpointer=backend, database_url=None)
    return Settings(**values)


@pytest.fixture(params=BACKENDS)
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    """The agent's storage, opened on each backend in turn."""
    backend: str = request.param
    url = request.getfixturevalue("database_url") if backend == "postgres" else None
    async with AsyncExitStack() as stack:
        yield await open_storage(storage_settings(backend, tmp_path, url), stack)
