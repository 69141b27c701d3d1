"""An open agent (offline planner, in-process mock bank, fixed clock) with the over-limit case
handed off; no network."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from resolution_agent.agent import ResolutionAgent
from resolution_agent.tools.mockbank import MockBank
from tests.approvals.helpers import bank, settings
from tests.network import refuse_network


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    yield from refuse_network(monkeypatch)


@pytest.fixture
def mock_bank() -> MockBank:
    return bank()


@pytest.fixture
async def agent(tmp_path: Path, mock_bank: MockBank) -> AsyncIterator[ResolutionAgent]:
    async with ResolutionAgent(settings(tmp_path), mock_bank=mock_bank) as opened:
        yield opened
