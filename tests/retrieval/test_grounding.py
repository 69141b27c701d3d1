"""Grounded answers through the public API: cite only this turn's passages, refuse below the bar.

The retriever and planner here are fakes that fill the real protocols (no mocks of our own
functions): a retriever that returns the passages a test scripts, a planner that cites what a
test asks it to. The keyword intent classifier keeps these tests free of any model.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.planning import Planner
from resolution_agent.agent.planning.base import PlanningContext
from resolution_agent.agent.retrieval import Retriever
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.agent.state import (
    Citation,
    ConversationState,
    Passage,
    Proposal,
    ProposeReply,
)
from resolution_agent.tools.mockbank import BankState, MockBank, load_seed

CUSTOMER = "cus_1009"
QUESTION = "what exchange rate do you use for euros?"
OpenAgent = Callable[..., AbstractAsyncContextManager[ResolutionAgent]]


def passage(article_id: str, score: float) -> Passage:
    return Passage(
        article_id=article_id,
        title=article_id.replace("-", " ").capitalize(),
        section="A section",
        snippet=f"What {article_id} says.",
        score=score,
        url=f"https://help.kestrelbank.co.uk/a/{article_id}",
    )


class ScriptedRetriever:
    """Returns the next scripted list of passages on each search; fails when run out."""

    def __init__(self, *turns: list[Passage]) -> None:
        self._turns = list(turns)
        self.queries: list[tuple[str, str | None]] = []

    async def search(self, query: str, *, intent: str | None = None, k: int = 3) -> list[Passage]:
        assert self._turns, f"unexpected search for {query!r}"
        self.queries.append((query, intent))
        return self._turns.pop(0)[:k]


class CitingPlanner:
    """Replies citing the given article ids, whatever was retrieved."""

    name = "citing"

    def __init__(self, *cite: str) -> None:
        self.cite = list(cite)

    async def plan(self, state: ConversationState, ctx: PlanningContext) -> Proposal:
        citations = [
            Citation(article_id=a, title=a, url=f"https://help.kestrelbank.co.uk/a/{a}")
            for a in self.cite
        ]
        return ProposeReply(
            text="Here is what our help centre says.", status="resolved", citations=citations
        )


@pytest.fixture(scope="module")
def seed() -> BankState:
    return load_seed(PROJECT_ROOT / "fixtures", "default")


@pytest.fixture
def open_agent(seed: BankState, tmp_path: Path) -> OpenAgent:
    @asynccontextmanager
    async def opened(
        retriever: Retriever, planner: Planner | None = None, **overrides: Any
    ) -> AsyncIterator[ResolutionAgent]:
        settings = Settings(
            data_dir=tmp_path,
            model=None,
            bank_url=None,
            checkpointer="memory",
            intent_classifier="keywords",
            clock=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
            **overrides,
        )
        bank = MockBank(copy.deepcopy(seed))
        async with ResolutionAgent(
            settings, mock_bank=bank, retriever=retriever, planner=planner
        ) as agent:
            yield agent

    return opened


async def test_a_grounded_passage_is_answered_and_cited(open_agent: OpenAgent) -> None:
    retriever = ScriptedRetriever([passage("exchange-rates-abroad", 0.8), passage("fees", 0.5)])
    async with open_agent(retriever) as agent:
        reply = await agent.handle_message("conv-1", CUSTOMER, QUESTION)

    assert reply.status == "resolved"
    assert [c.article_id for c in reply.citations] == ["exchange-rates-abroad"]
    assert "What exchange-rates-abroad says." in reply.text
    assert retriever.queries == [(QUESTION, "exchange_rate")]


async def test_below_the_grounding_threshold_the_agent_asks_once_then_hands_off(
    open_agent: OpenAgent,
) -> None:
    weak = [passage("exchange-rates-abroad", 0.2)]
    async with open_agent(ScriptedRetriever(weak, weak), grounding_threshold=0.35) as agent:
        asked = await agent.handle_message("conv-2", CUSTOMER, QUESTION)
        again = await agent.handle_message("conv-2", CUSTOMER, QUESTION)

    assert asked.status == "awaiting_customer"
    assert asked.citations == []
    assert "exchange-rates-abroad" not in asked.text
    assert again.status == "handed_off"
    assert again.handoff is not None
    assert [r.rule_id for r in again.handoff.reasons] == ["ESC-NO-ANSWER"]


async def test_a_citation_not_retrieved_this_turn_is_dropped_and_recorded(
    open_agent: OpenAgent,
) -> None:
    retriever = ScriptedRetriever(
        [passage("exchange-rates-abroad", 0.9)], [passage("weekend-exchange-rates", 0.9)]
    )
    planner = CitingPlanner("exchange-rates-abroad", "weekend-exchange-rates", "free-money")
    async with open_agent(retriever, planner=planner) as agent:
        first = await agent.handle_message("conv-3", CUSTOMER, QUESTION)
        second = await agent.handle_message("conv-3", CUSTOMER, "and at the weekend?")
        events = await agent.audit_events("conv-3")

    # Turn 1 retrieved only exchange-rates-abroad; turn 2 only weekend-exchange-rates.
    assert [c.article_id for c in first.citations] == ["exchange-rates-abroad"]
    assert [c.article_id for c in second.citations] == ["weekend-exchange-rates"]
    dropped = [e for e in events if e.rule_id == "OUT-CITATION-DROPPED"]
    assert [e.turn for e in dropped] == [1, 2]
