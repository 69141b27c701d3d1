"""Bad article files stop loading with the file named; good ones load with their sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from resolution_agent.agent.helpcentre import load_articles
from resolution_agent.tools.errors import DataFileError
from tests.retrieval.conftest import write_article


def test_an_article_without_front_matter_is_rejected_with_the_file_named(help_dir: Path) -> None:
    bad = help_dir / "no-front-matter.md"
    bad.write_text("# Just a heading\n\n## A section\nSome text.\n", encoding="utf-8")

    with pytest.raises(DataFileError, match="missing front matter") as raised:
        load_articles(help_dir)

    assert raised.value.path == bad
    assert "no-front-matter.md" in str(raised.value)


def test_two_articles_with_one_id_are_rejected_naming_both_files(help_dir: Path) -> None:
    cards = help_dir / "cards"
    cards.mkdir()
    duplicate = write_article(cards, "top-up-limits", "## Another section\nOther text.")

    with pytest.raises(DataFileError, match="duplicate id 'top-up-limits'") as raised:
        load_articles(help_dir)

    message = str(raised.value)
    assert str(duplicate) in message
    assert str(help_dir / "top-up-limits.md") in message


def test_an_id_that_differs_from_the_file_name_is_rejected(help_dir: Path) -> None:
    path = write_article(help_dir, "fees", "## Fees\nNone.")
    path.write_text(path.read_text().replace("id: fees", "id: charges"), encoding="utf-8")

    with pytest.raises(DataFileError, match="must equal the file name") as raised:
        load_articles(help_dir)

    assert raised.value.path == path
    assert raised.value.key == "id"


def test_front_matter_missing_a_key_is_rejected_naming_the_key(help_dir: Path) -> None:
    path = help_dir / "no-title.md"
    path.write_text(
        "---\nid: no-title\nintents: [top_up_limits]\nupdated: 2026-11-29\n---\n## A\nText.\n",
        encoding="utf-8",
    )

    with pytest.raises(DataFileError) as raised:
        load_articles(help_dir)

    assert raised.value.path == path
    assert raised.value.key == "title"


def test_an_article_without_sections_is_rejected(help_dir: Path) -> None:
    path = write_article(help_dir, "empty", "Only an introduction.")

    with pytest.raises(DataFileError, match="at least one '## ' section") as raised:
        load_articles(help_dir)

    assert raised.value.path == path


def test_the_shipped_help_centre_loads_with_sections_and_intents() -> None:
    from resolution_agent.agent.settings import PROJECT_ROOT

    articles = load_articles(PROJECT_ROOT / "fixtures" / "help")

    assert len(articles) >= 60
    assert all(a.sections and a.intents and a.title for a in articles)
    assert len({a.id for a in articles}) == len(articles)
