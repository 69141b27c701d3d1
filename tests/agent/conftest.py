"""Shared fixtures of the agent tests: an open agent on the offline path, no network.

Every agent runs the offline planner against the in-process mock bank (reached over an ASGI
transport, never a socket) with a fixed clock and no retry backoff, so runs are fast and
deterministic. The seed and the help-centre index are built once per session and handed to
each agent through the constructor (the same objects the agent would build itself); every test
gets its own deep copy of the bank's state.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.helpcentre import load_articles
from resolution_agent.agent.planning import Planner
from resolution_agent.agent.retrieval import LexicalRetriever
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.tools.mockbank import BankState, MockBank, load_seed
from tests.network import refuse_network

CLOCK = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)

OpenAgent = Callable[..., AbstractAsyncContextManager[ResolutionAgent]]


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse every real connection and DNS lookup; fail the test if one was tried."""
    yield from refuse_network(monkeypatch)


@pytest.fixture(scope="session")
def default_seed() -> BankState:
    """The default bank seed, parsed once; tests only ever see deep copies of it."""
    return load_seed(PROJECT_ROOT / "fixtures", "default")


@pytest.fixture(scope="session")
def retriever() -> LexicalRetriever:
    """The help-centre index the agent would build itself (it is read-only once built)."""
    return LexicalRetriever(load_articles(PROJECT_ROOT / "fixtures" / "help"))


@pytest.fixture
def new_bank(default_seed: BankState) -> Callable[[], MockBank]:
    """Make a mock bank on a fresh copy of the default seed."""

    def make() -> MockBank:
        return MockBank(copy.deepcopy(default_seed))

    return make


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Offline settings on this test's data dir: fixed clock, no backoff; overrides allowed."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "data_dir": tmp_path,
            "model": None,
            "bank_url": None,
            "bank_attempts": 3,
            "bank_backoff_base_s": 0,
            "bank_backoff_max_s": 0,
            "clock": CLOCK,
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def open_agent(
    make_settings: Callable[..., Settings],
    new_bank: Callable[[], MockBank],
    retriever: LexicalRetriever,
) -> OpenAgent:
    """Open an agent: ``async with open_agent(bank_timeout_s=0.05) as agent: ...``.

    Keyword arguments are settings, except ``mock_bank`` and ``planner`` (constructor
    arguments of the agent).
    """

    @asynccontextmanager
    async def opened(
        *, mock_bank: MockBank | None = None, planner: Planner | None = None, **overrides: Any
    ) -> AsyncIterator[ResolutionAgent]:
        settings = make_settings(**overrides)
        bank = mock_bank if mock_bank is not None else new_bank()
        async with ResolutionAgent(
            settings, mock_bank=bank, retriever=retriever, planner=planner
        ) as agent:
            yield agent

    return opened


@pytest.fixture
async def agent(open_agent: OpenAgent) -> AsyncIterator[ResolutionAgent]:
    """An agent with SQLite checkpoints under the test's data dir."""
    async with open_agent() as opened:
        yield opened


@pytest.fixture
async def memory_agent(open_agent: OpenAgent) -> AsyncIterator[ResolutionAgent]:
    """An agent that keeps its checkpoints, cases and audit log in memory."""
    async with open_agent(checkpointer="memory") as opened:
        yield opened


def card_status(bank: MockBank, card_id: str) -> str:
    """A card's status in the bank now (a call, so type checkers never narrow it)."""
    return bank.state.cards[card_id].status


def bank_of(agent: ResolutionAgent) -> MockBank:
    """The agent's in-process mock bank (always present on the offline path)."""
    bank = agent.mock_bank
    assert bank is not None, "the agent runs without an in-process mock bank"
    return bank
