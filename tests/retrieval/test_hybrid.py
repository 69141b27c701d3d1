"""Hybrid retrieval over a small help centre with the hashing encoder: hits, fusion, laziness."""

from __future__ import annotations

from pathlib import Path

import pytest

from resolution_agent.agent.helpcentre import load_articles
from resolution_agent.agent.retrieval import HybridConfig, HybridRetriever, LexicalRetriever
from resolution_agent.agent.retrieval.index import ChromaIndex
from resolution_agent.agent.state import Passage
from tests.retrieval.conftest import HashingEncoder


@pytest.fixture
def hybrid(help_dir: Path, tmp_path: Path, encoder: HashingEncoder) -> HybridRetriever:
    articles = load_articles(help_dir)
    return HybridRetriever(articles, ChromaIndex(tmp_path / "kb", encoder), encoder)


def test_construction_loads_nothing_and_the_first_query_syncs_the_index(
    hybrid: HybridRetriever, encoder: HashingEncoder, tmp_path: Path
) -> None:
    assert encoder.texts == []
    assert not (tmp_path / "kb").exists()

    hits = hybrid.rank("how do I activate my new card", k=3)

    assert hits and (tmp_path / "kb").is_dir()
    assert hybrid.ready().added == 8  # synced once; later calls return the same report


async def test_a_hit_carries_article_id_title_section_snippet_score_and_url(
    hybrid: HybridRetriever,
) -> None:
    hits = await hybrid.search("how to activate your new card in the app", k=3)

    best = hits[0]
    assert best.article_id == "activate-your-card"
    assert best.title == "Activating your new card"
    assert best.section in {"Overview", "How to activate your card"}
    assert "activate" in best.snippet.lower()
    assert 0 < best.score <= 1
    assert best.url == "https://help.kestrelbank.co.uk/a/activate-your-card"
    assert len({hit.article_id for hit in hits}) == len(hits) == 3


def test_the_understood_intent_lifts_the_articles_tagged_with_it(hybrid: HybridRetriever) -> None:
    query = "card"
    plain = [hit.article_id for hit in hybrid.rank(query, k=8)]
    boosted = hybrid.rank(query, k=8, intent="top_up_limits")

    assert boosted[0].article_id == "top-up-limits"
    assert plain.index("top-up-limits") > 0
    grounding = {hit.article_id: hit.score for hit in hybrid.rank(query, k=8)}
    bonus = HybridConfig().intent_grounding_bonus
    assert boosted[0].score == pytest.approx(grounding["top-up-limits"] + bonus, abs=1e-3)


def test_each_method_ranks_on_its_own(hybrid: HybridRetriever) -> None:
    query = "is my money protected by the FSCS"
    for method in ("dense", "lexical", "hybrid"):
        hits = hybrid.rank(query, k=3, method=method)
        assert hits[0].article_id == "deposit-protection-fscs", method


def test_an_empty_query_finds_nothing(hybrid: HybridRetriever) -> None:
    assert hybrid.rank("   ", k=3) == []
    assert hybrid.rank("card", k=0) == []


def test_grounding_rescales_cosine_so_unrelated_text_scores_zero(hybrid: HybridRetriever) -> None:
    floor = hybrid.config.similarity_floor
    assert hybrid.grounding(floor) == 0.0
    assert hybrid.grounding(-0.2) == 0.0
    assert hybrid.grounding(1.0) == 1.0
    assert hybrid.grounding((1 + floor) / 2) == pytest.approx(0.5)


def test_bm25_repairs_typos_and_maps_slang_to_help_centre_words(help_dir: Path) -> None:
    lexical = LexicalRetriever(load_articles(help_dir))

    assert lexical.normalise("How do I activte my new card?") == "How do I activate my new card?"
    assert "stolen" in lexical.query_terms("my wallet got nicked")
    assert lexical.rank("activte my card", k=1)[0].article_id == "activate-your-card"
    assert lexical.rank("deposit protekshun", k=1)[0].article_id == "deposit-protection-fscs"


XMAS = (
    "if i send me brother 30 quid at 2am on christmas day will it get to him or sit there til "
    "after boxing day"
)


def _transfers(tmp_path: Path, encoder: HashingEncoder, config: HybridConfig) -> HybridRetriever:
    folder = tmp_path / "transfers"
    folder.mkdir(exist_ok=True)
    for article_id in ("transfer-timing", "international-transfers", "standing-orders"):
        source = Path(__file__).parents[2] / "resolution_agent" / "fixtures" / "help"
        (folder / f"{article_id}.md").write_text((source / f"{article_id}.md").read_text())
    index = ChromaIndex(
        tmp_path / f"kb-{config.qualified_grounding_bonus}-{config.grounded_at}", encoder
    )
    return HybridRetriever(load_articles(folder), index, encoder, config)


def _timing(passages: list[Passage]) -> Passage:
    return next(p for p in passages if p.article_id == "transfer-timing")


def test_a_passage_stating_every_qualifier_asked_is_lifted_when_nothing_is_grounded(
    tmp_path: Path, encoder: HashingEncoder
) -> None:
    plain = _transfers(
        tmp_path, encoder, HybridConfig(qualified_grounding_bonus=0.0, grounded_at=1.0)
    )
    lifting = _transfers(
        tmp_path, encoder, HybridConfig(qualified_grounding_bonus=0.2, grounded_at=1.0)
    )

    before = _timing(plain.rank(XMAS, intent="transfer_timing", k=3))
    after = _timing(lifting.rank(XMAS, intent="transfer_timing", k=3))

    assert {"how_long", "weekend", "night"} <= set(after.answers)
    assert after.score == pytest.approx(min(before.score + 0.2, 1.0), abs=1e-3)
    # without the sure reading's intent, or with a passage grounded already, nothing is lifted
    assert _timing(lifting.rank(XMAS, k=3)).score == pytest.approx(
        _timing(plain.rank(XMAS, k=3)).score, abs=1e-3
    )
    grounded = _transfers(
        tmp_path, encoder, HybridConfig(qualified_grounding_bonus=0.2, grounded_at=0.0)
    )
    assert _timing(grounded.rank(XMAS, intent="transfer_timing", k=3)).score == pytest.approx(
        before.score, abs=1e-3
    )
