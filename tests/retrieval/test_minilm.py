"""The real thing, once: MiniLM in Chroma through the agent's default factory.

Slow (the help centre is embedded once for the session, tens of seconds on two cores), so
marked ``slow``; CI still runs it. The quality floors are the issue's targets, checked on the
eval set, so a change to the articles, the fusion or the threshold that breaks them fails here.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path

import pytest

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.helpcentre import load_articles
from resolution_agent.agent.retrieval import HybridRetriever, build_retriever
from resolution_agent.agent.retrieval.factory import new_hybrid
from resolution_agent.agent.retrieval.queries import load_queries
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.tools.mockbank import MockBank, load_seed

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        data_dir=tmp_path_factory.mktemp("minilm"),
        model=None,
        bank_url=None,
        checkpointer="memory",
        intent_classifier="keywords",
        clock=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
    )


@pytest.fixture(scope="module")
def hybrid(settings: Settings) -> HybridRetriever:
    retriever = build_retriever(settings)
    assert isinstance(retriever, HybridRetriever)
    retriever.ready()
    return retriever


def test_the_eval_set_meets_the_recall_and_refusal_targets(
    hybrid: HybridRetriever, settings: Settings
) -> None:
    ids = {a.id for a in load_articles(PROJECT_ROOT / "fixtures" / "help")}
    queries = load_queries(
        PROJECT_ROOT / "fixtures" / "retrieval" / "queries.yaml", article_ids=ids
    )
    found = refused = 0
    for q in queries:
        hits = hybrid.rank(q.query, k=3)
        grounded = any(hit.score >= settings.grounding_threshold for hit in hits)
        if q.answerable:
            found += any(hit.article_id in q.relevant for hit in hits)
        else:
            refused += not grounded
    answerable = sum(q.answerable for q in queries)

    assert found / answerable >= 0.95
    assert refused / (len(queries) - answerable) >= 0.90


@pytest.mark.parametrize(
    ("query", "article_id"),
    [
        ("my wallet got nicked last night with my kestrel card in it", "lost-or-stolen-card"),
        ("the atm ate my card", "card-swallowed-by-atm"),
        ("is my money safe if kestrel goes bust", "deposit-protection-fscs"),
        ("how do i activte my new card", "activate-your-card"),
    ],
)
def test_slang_and_typos_find_the_article(
    hybrid: HybridRetriever, query: str, article_id: str
) -> None:
    assert article_id in [hit.article_id for hit in hybrid.rank(query, k=3)]


async def test_the_default_agent_answers_from_the_help_centre_and_refuses_off_topic(
    hybrid: HybridRetriever, settings: Settings
) -> None:
    bank = MockBank(copy.deepcopy(load_seed(PROJECT_ROOT / "fixtures", "default")))
    async with ResolutionAgent(settings, mock_bank=bank) as agent:
        answered = await agent.handle_message(
            "conv-fx", "cus_1009", "what exchange rate do you use for euros?"
        )
        off_topic = await agent.handle_message(
            "conv-pie", "cus_1009", "what's a good recipe for shepherd's pie?"
        )

    assert answered.status == "resolved"
    assert [c.article_id for c in answered.citations] == ["exchange-rates-abroad"]
    assert off_topic.citations == []
    assert off_topic.status == "awaiting_customer"


def test_an_index_of_its_own_is_written_under_the_settings_kb_dir(
    hybrid: HybridRetriever, settings: Settings
) -> None:
    # The shared retriever may live in another agent's folder; one of our own is built from
    # the vectors the process remembers, and persists where the settings say.
    own = new_hybrid(settings, remember=True)
    report = own.index.sync(own.articles)

    assert own.index.folder == Path(settings.data_dir) / "kb"
    assert report.added + report.unchanged == len(own.articles)
    assert own.index.count() == hybrid.index.count() > len(own.articles)
