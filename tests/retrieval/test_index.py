"""Incremental re-indexing: only changed articles are re-embedded; removed ones disappear."""

from __future__ import annotations

from pathlib import Path

from resolution_agent.agent.helpcentre import load_articles
from resolution_agent.agent.retrieval.chunks import chunk_article
from resolution_agent.agent.retrieval.index import ChromaIndex
from tests.retrieval.conftest import SMALL, HashingEncoder


def test_the_first_sync_embeds_every_article_and_a_second_embeds_nothing(
    help_dir: Path, tmp_path: Path, encoder: HashingEncoder
) -> None:
    index = ChromaIndex(tmp_path / "kb", encoder)
    articles = load_articles(help_dir)
    chunks = sum(len(chunk_article(a)) for a in articles)

    first = index.sync(articles)
    embedded = len(encoder.texts)
    second = index.sync(load_articles(help_dir))

    assert (first.added, first.updated, first.removed) == (len(SMALL), 0, 0)
    assert first.chunks_embedded == embedded == chunks == index.count()
    assert (second.added, second.updated, second.removed, second.unchanged) == (0, 0, 0, len(SMALL))
    assert second.chunks_embedded == 0
    assert len(encoder.texts) == embedded


def test_changing_one_article_re_embeds_only_that_article(
    help_dir: Path, tmp_path: Path, encoder: HashingEncoder
) -> None:
    index = ChromaIndex(tmp_path / "kb", encoder)
    index.sync(load_articles(help_dir))
    encoder.texts.clear()
    path = help_dir / "top-up-limits.md"
    path.write_text(
        path.read_text() + "\n## Top-ups on bank holidays\nBank holidays make no difference.\n"
    )

    report = index.sync(load_articles(help_dir))

    changed = next(a for a in load_articles(help_dir) if a.id == "top-up-limits")
    assert (report.added, report.updated, report.removed) == (0, 1, 0)
    assert report.unchanged == len(SMALL) - 1
    assert report.chunks_embedded == len(chunk_article(changed)) == len(encoder.texts)
    assert all("Top-up limits" in text for text in encoder.texts)
    assert index.stored_hashes()["top-up-limits"] == changed.content_hash


def test_a_removed_article_is_deleted_from_the_index(
    help_dir: Path, tmp_path: Path, encoder: HashingEncoder
) -> None:
    index = ChromaIndex(tmp_path / "kb", encoder)
    index.sync(load_articles(help_dir))
    before = index.count()
    removed = next(a for a in load_articles(help_dir) if a.id == "deposit-protection-fscs")
    (help_dir / "deposit-protection-fscs.md").unlink()
    encoder.texts.clear()

    report = index.sync(load_articles(help_dir))

    assert (report.added, report.updated, report.removed) == (0, 0, 1)
    assert encoder.texts == []
    assert "deposit-protection-fscs" not in index.stored_hashes()
    assert index.count() == before - len(chunk_article(removed))
    vector = encoder.encode(["FSCS protection up to £120,000"])[0]
    assert all(hit.article_id != "deposit-protection-fscs" for hit in index.query(vector, n=100))


def test_the_index_persists_so_a_new_process_embeds_nothing(
    help_dir: Path, tmp_path: Path, encoder: HashingEncoder
) -> None:
    ChromaIndex(tmp_path / "kb", encoder).sync(load_articles(help_dir))
    later = HashingEncoder()

    report = ChromaIndex(tmp_path / "kb", later).sync(load_articles(help_dir))

    assert report.unchanged == len(SMALL)
    assert later.texts == []


def test_an_index_built_by_another_encoder_is_rebuilt_not_mixed(
    help_dir: Path, tmp_path: Path, encoder: HashingEncoder
) -> None:
    ChromaIndex(tmp_path / "kb", encoder).sync(load_articles(help_dir))
    other = HashingEncoder(dimension=128)

    report = ChromaIndex(tmp_path / "kb", other).sync(load_articles(help_dir))

    assert report.added == len(SMALL)
    assert report.chunks_embedded == len(other.texts) > 0
