"""Fixtures of the fault tests: an offline agent on a real data dir, and ways to damage it.

The agent runs the keyword classifier and the lexical retriever against the in-process mock
bank, so a test is about storage, not models. PostgreSQL comes from the storage tests' server
(one per session, started by the tests themselves).
"""

from __future__ import annotations

import copy
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.helpcentre import load_articles
from resolution_agent.agent.retrieval import LexicalRetriever
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.tools.mockbank import BankState, MockBank, load_seed
from tests.network import refuse_network
from tests.storage.conftest import database_url, postgres_server  # noqa: F401 (fixtures)

CLOCK = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
#: What an offline run needs beside the data dir (also as environment, for the CLI).
OFFLINE: dict[str, Any] = {
    "model": None,
    "bank_url": None,
    "bank_backoff_base_s": 0,
    "bank_backoff_max_s": 0,
    "clock": CLOCK,
    "intent_classifier": "keywords",
    "retriever": "lexical",
}
OFFLINE_ENV = {
    "RESOLVE_MODEL": "offline",
    "RESOLVE_INTENT_CLASSIFIER": "keywords",
    "RESOLVE_RETRIEVER": "lexical",
    "RESOLVE_LOG_LEVEL": "warning",
}

OpenAgent = Callable[..., AbstractAsyncContextManager[ResolutionAgent]]


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse every real connection (PostgreSQL is reached over its Unix socket)."""
    yield from refuse_network(monkeypatch)


@pytest.fixture(scope="session")
def seed() -> BankState:
    return load_seed(PROJECT_ROOT / "fixtures", "default")


@pytest.fixture(scope="session")
def retriever() -> LexicalRetriever:
    return LexicalRetriever(load_articles(PROJECT_ROOT / "fixtures" / "help"))


@pytest.fixture
def bank(seed: BankState) -> MockBank:
    """One bank for the test, shared by every agent it opens (as one real bank would be)."""
    return MockBank(copy.deepcopy(seed))


@pytest.fixture
def settings_for(tmp_path: Path) -> Callable[..., Settings]:
    """Offline settings on this test's data dir (``data_dir`` and the rest may be overridden)."""

    def make(**overrides: Any) -> Settings:
        return Settings(**{"data_dir": tmp_path / "data", **OFFLINE, **overrides})

    return make


@pytest.fixture
def open_agent(
    settings_for: Callable[..., Settings], bank: MockBank, retriever: LexicalRetriever
) -> OpenAgent:
    """``async with open_agent(**settings) as agent``: an agent over the test's bank."""

    def opened(**overrides: Any) -> AbstractAsyncContextManager[ResolutionAgent]:
        return ResolutionAgent(settings_for(**overrides), mock_bank=bank, retriever=retriever)

    return opened


@pytest.fixture
def offline_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The environment of an offline ``resolve`` on this test's data dir; that dir."""
    data = tmp_path / "data"
    for name in [n for n in os.environ if n.startswith("RESOLVE_")]:
        monkeypatch.delenv(name)
    for name, value in OFFLINE_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("RESOLVE_DATA_DIR", str(data))
    return data


def write_garbage(path: Path, size: int = 5000) -> None:
    """Replace ``path`` with bytes no program wrote (fixed, so a failure reproduces)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes((i * 7919 + 13) % 251 for i in range(size)))


def cut_short(path: Path, keep: float = 0.3) -> None:
    """Truncate ``path`` to a fraction of its length, as a full disk or a bad copy does."""
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.truncate(int(size * keep))


def sqlite_rows(path: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute(sql, params).fetchall()
