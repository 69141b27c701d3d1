"""The agent on PostgreSQL: stateless workers that share one database.

The agent runs offline (keyword classifier, lexical retriever, in-process mock bank) with every
storage in the test database; each worker gets an empty data dir of its own, so nothing it
reads back can come from a local file.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.helpcentre import load_articles
from resolution_agent.agent.retrieval import LexicalRetriever
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.tools.mockbank import MockBank, load_seed
from tests.network import refuse_network

pytestmark = pytest.mark.postgres

CUSTOMER = "cus_1001"
CLOCK = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """PostgreSQL is reached over its Unix socket; anything else fails the test."""
    yield from refuse_network(monkeypatch)


@pytest.fixture(scope="module")
def retriever() -> LexicalRetriever:
    return LexicalRetriever(load_articles(PROJECT_ROOT / "fixtures" / "help"))


@pytest.fixture
def bank() -> MockBank:
    return MockBank(copy.deepcopy(load_seed(PROJECT_ROOT / "fixtures", "default")))


def worker(
    name: str, database_url: str, tmp_path: Path, bank: MockBank, retriever: LexicalRetriever
) -> AbstractAsyncContextManager[ResolutionAgent]:
    settings = Settings(
        data_dir=tmp_path / name,
        database_url=database_url,
        model=None,
        bank_url=None,
        bank_backoff_base_s=0,
        bank_backoff_max_s=0,
        clock=CLOCK,
        intent_classifier="keywords",
        retriever="lexical",
    )
    return ResolutionAgent(settings, mock_bank=bank, retriever=retriever)


async def test_a_lost_card_conversation_is_stored_in_postgres_and_read_by_another_worker(
    database_url: str, tmp_path: Path, bank: MockBank, retriever: LexicalRetriever
) -> None:
    async with worker("one", database_url, tmp_path, bank, retriever) as one:
        lost = await one.handle_message("conv-pg", CUSTOMER, "I've lost my card")
        confirmed = await one.handle_message("conv-pg", CUSTOMER, "yes")

    async with worker("two", database_url, tmp_path, bank, retriever) as two:
        conversation = await two.get_conversation("conv-pg")
        audit = await two.audit_events("conv-pg")

    assert lost.status == "awaiting_customer"
    assert [a.tool for a in lost.actions] == ["list_cards", "freeze_card"]
    assert confirmed.status == "resolved"
    assert [(a.tool, a.outcome) for a in confirmed.actions] == [("cancel_card", "succeeded")]
    assert conversation.customer_id == CUSTOMER
    assert [m.role for m in conversation.transcript] == ["customer", "agent"] * 2
    assert [a.tool for a in conversation.actions] == ["list_cards", "freeze_card", "cancel_card"]
    assert bank.calls.get("freeze_card", 0) == 1  # frozen once, never again on the second turn
    assert bank.state.cards["card_1001a"].status == "cancelled"
    assert any(e.kind == "tool_call" for e in audit)
    assert not list((tmp_path / "two").glob("*.sqlite"))  # nothing came from local files


async def test_a_conversation_continues_on_whichever_worker_gets_the_next_message(
    database_url: str, tmp_path: Path, bank: MockBank, retriever: LexicalRetriever
) -> None:
    async with (
        worker("one", database_url, tmp_path, bank, retriever) as one,
        worker("two", database_url, tmp_path, bank, retriever) as two,
    ):
        lost = await one.handle_message("conv-pg", CUSTOMER, "I've lost my card")
        confirmed = await two.handle_message("conv-pg", CUSTOMER, "yes")

    assert (lost.status, confirmed.status) == ("awaiting_customer", "resolved")
    assert bank.calls.get("freeze_card", 0) == 1
    assert bank.calls.get("cancel_card", 0) == 1
