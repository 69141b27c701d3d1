"""The default retriever: shared across agents of a process, rebuilt only when it must be.

Each test has its own project folder and fake encoder, so its registry entries never meet
another test's (or the real help centre's).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from resolution_agent.agent.retrieval import (
    HybridRetriever,
    LexicalRetriever,
    build_retriever,
    factory,
)
from resolution_agent.agent.settings import Settings
from resolution_agent.tools.errors import DataFileError
from tests.retrieval.conftest import HashingEncoder


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch, encoder: HashingEncoder) -> None:
    monkeypatch.setattr(factory, "shared_encoder", lambda threads=1: encoder)


def settings(project: Path, data: Path, **overrides: object) -> Settings:
    return Settings(project_root=project, data_dir=data, **overrides)  # type: ignore[arg-type]


def test_agents_on_different_data_dirs_share_one_retriever_and_embed_once(
    project: Path, tmp_path: Path, encoder: HashingEncoder
) -> None:
    first = build_retriever(settings(project, tmp_path / "a"))
    assert isinstance(first, HybridRetriever)
    first.ready()
    embedded = len(encoder.texts)

    second = build_retriever(settings(project, tmp_path / "b"))

    assert second is first
    assert (tmp_path / "a" / "kb").is_dir()
    assert not (tmp_path / "b" / "kb").exists()
    assert len(encoder.texts) == embedded


def test_a_deleted_index_folder_is_rebuilt_from_remembered_vectors(
    project: Path, tmp_path: Path, encoder: HashingEncoder
) -> None:
    first = build_retriever(settings(project, tmp_path / "a"))
    assert isinstance(first, HybridRetriever)
    first.ready()
    shutil.rmtree(tmp_path / "a")
    embedded = len(encoder.texts)

    second = build_retriever(settings(project, tmp_path / "b"))
    assert isinstance(second, HybridRetriever)
    report = second.ready()

    assert second is not first
    assert report.added == 8
    assert (tmp_path / "b" / "kb").is_dir()
    assert len(encoder.texts) == embedded + 1  # the warm-up query only, no chunk re-embedded


def test_an_edited_help_centre_gets_a_new_retriever(project: Path, tmp_path: Path) -> None:
    first = build_retriever(settings(project, tmp_path / "a"))
    path = project / "fixtures" / "help" / "top-up-limits.md"
    path.write_text(path.read_text() + "\nOne more line.\n", encoding="utf-8")

    assert build_retriever(settings(project, tmp_path / "a")) is not first


def test_the_lexical_setting_needs_no_model(project: Path, tmp_path: Path) -> None:
    retriever = build_retriever(settings(project, tmp_path, retriever="lexical"))

    assert isinstance(retriever, LexicalRetriever)


def test_a_bad_article_fails_when_the_retriever_is_built(project: Path, tmp_path: Path) -> None:
    bad = project / "fixtures" / "help" / "broken.md"
    bad.write_text("no front matter here\n", encoding="utf-8")

    with pytest.raises(DataFileError, match=r"broken\.md"):
        build_retriever(settings(project, tmp_path))


def test_kb_dir_defaults_under_the_data_dir_and_can_be_moved(project: Path, tmp_path: Path) -> None:
    assert factory.kb_dir(settings(project, tmp_path)) == tmp_path.resolve() / "kb"
    moved = settings(project, tmp_path, kb_dir=tmp_path / "elsewhere")
    assert factory.kb_dir(moved) == (tmp_path / "elsewhere").resolve()
