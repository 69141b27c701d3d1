"""The retrieval eval set is well formed and points at articles that exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from resolution_agent.agent.helpcentre import load_articles
from resolution_agent.agent.retrieval.queries import load_queries
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.tools.errors import DataFileError

QUERIES = PROJECT_ROOT / "fixtures" / "retrieval" / "queries.yaml"


def test_the_eval_set_has_200_queries_some_unanswerable_all_pointing_at_real_articles() -> None:
    ids = {a.id for a in load_articles(PROJECT_ROOT / "fixtures" / "help")}

    queries = load_queries(QUERIES, article_ids=ids)

    assert len(queries) >= 200
    assert sum(not q.answerable for q in queries) >= 20
    assert len({q.query.lower() for q in queries}) == len(queries)


def test_an_unknown_article_id_is_rejected_with_the_row(tmp_path: Path) -> None:
    path = tmp_path / "queries.yaml"
    path.write_text('- query: "lost card"\n  relevant: [no-such-article]\n', encoding="utf-8")

    with pytest.raises(DataFileError, match="no-such-article") as raised:
        load_queries(path, article_ids={"lost-or-stolen-card"})

    assert raised.value.key == "0.relevant"


def test_a_row_without_relevant_ids_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "queries.yaml"
    path.write_text('- query: "lost card"\n', encoding="utf-8")

    with pytest.raises(DataFileError, match=r"queries\.yaml"):
        load_queries(path)
