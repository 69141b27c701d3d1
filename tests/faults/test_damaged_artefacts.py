"""Damaged derived artefacts rebuild themselves with a warning; a model nobody can rebuild
stops with the file and the command that trains it again.

The help-centre index (built from ``fixtures/help``) and the cached model of the shipped
utterances are derived data: deleting and rebuilding them loses nothing. A model trained from
a customer's own CSV is not: only its owner can train it again. Fast stand-in encoders keep
these tests free of torch; the damage itself is real bytes on disk.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import typer
from chromadb.errors import ChromaError
from structlog.testing import capture_logs
from typer.testing import CliRunner

from resolution_agent.agent.helpcentre import load_articles
from resolution_agent.agent.retrieval.index import ChromaIndex
from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.agent.understanding.classifier import (
    IntentModelManager,
    LabelledTexts,
    read_labelled_csv,
    store,
)
from resolution_agent.agent.understanding.cli import register
from resolution_agent.tools.errors import DataFileError
from tests.faults.conftest import cut_short, write_garbage
from tests.retrieval.conftest import SMALL
from tests.retrieval.conftest import HashingEncoder as IndexEncoder
from tests.understanding.conftest import TINY
from tests.understanding.conftest import HashingEncoder as ModelEncoder


@pytest.fixture(autouse=True)
def _fresh_model_registry() -> None:
    store.forget_all()  # as a new process: every model is read from disk again


@pytest.fixture
def tiny() -> LabelledTexts:
    return read_labelled_csv(TINY)


def test_a_garbage_help_centre_index_is_deleted_and_rebuilt_with_a_warning(
    tmp_path: Path,
) -> None:
    articles = [a for a in load_articles(PROJECT_ROOT / "fixtures" / "help") if a.id in set(SMALL)]
    folder = tmp_path / "kb"
    write_garbage(folder / "chroma.sqlite3", 9000)
    (folder / "notes.txt").write_text("not Chroma's\n", encoding="utf-8")
    encoder = IndexEncoder()
    with pytest.raises(ChromaError):  # a first look fails (as start-up's progress check does)
        ChromaIndex(folder, encoder).stored_hashes()
    index = ChromaIndex(folder, encoder)

    with capture_logs() as logs:
        report = index.sync(articles)

    assert [e["event"] for e in logs if e["log_level"] == "warning"] == ["kb_index_damaged"]
    assert report.added == len(articles) and report.unchanged == 0
    [hit] = index.query(encoder.encode(["my card was stolen"]), n=1)
    assert hit.article_id == "lost-or-stolen-card"
    assert (folder / "notes.txt").exists()  # only Chroma's own files were deleted


def test_a_cached_model_cut_short_is_trained_again_with_a_warning(
    tmp_path: Path, tiny: LabelledTexts
) -> None:
    encoder = ModelEncoder()
    first = IntentModelManager(tmp_path, encoder).build(tiny)
    cut_short(first.folder / "model.npz")
    store.forget_all()

    with capture_logs() as logs:
        again = IntentModelManager(tmp_path, encoder).build(tiny)

    assert [e["event"] for e in logs if e["log_level"] == "warning"] == ["intent_model_damaged"]
    assert not again.reused and again.folder == first.folder
    assert again.model.labels == first.model.labels
    store.forget_all()
    assert IntentModelManager(tmp_path, encoder).build(tiny).reused  # sound on disk again


def test_a_damaged_model_trained_from_a_customer_csv_names_it_and_how_to_train_it(
    tmp_path: Path, tiny: LabelledTexts
) -> None:
    manager = IntentModelManager(tmp_path, ModelEncoder())
    built = manager.train_and_activate(tiny, default=False)
    write_garbage(built.folder / "meta.json", 300)
    store.forget_all()

    with pytest.raises(DataFileError) as caught:
        manager.active(lambda: tiny)

    assert caught.value.path == built.folder / "meta.json"
    assert "resolve intents train --csv FILE" in str(caught.value)


@pytest.fixture
def intents_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    """``resolve intents`` on a project whose shipped utterances are the tiny CSV."""
    root = tmp_path / "project"
    (root / "fixtures" / "intents").mkdir(parents=True)
    shutil.copy(TINY, root / "fixtures" / "intents" / "utterances.csv")
    shutil.copytree(PROJECT_ROOT / "policies", root / "policies")
    monkeypatch.setenv("RESOLVE_PROJECT_ROOT", str(root))
    monkeypatch.setenv("RESOLVE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("RESOLVE_MODELS_DIR", raising=False)
    encoder = ModelEncoder()
    monkeypatch.setattr(
        "resolution_agent.agent.understanding.classifier.shared_encoder",
        lambda threads=1: encoder,
    )
    cli = typer.Typer()

    @cli.callback()
    def main() -> None:
        """Test root."""

    register(cli)
    return cli


def test_intents_eval_on_a_damaged_custom_model_is_one_line_with_the_command(
    intents_cli: typer.Typer, tmp_path: Path
) -> None:
    mine = shutil.copy(TINY, tmp_path / "mine.csv")
    trained = CliRunner().invoke(intents_cli, ["intents", "train", "--csv", str(mine)])
    assert trained.exit_code == 0, trained.output
    [model] = (tmp_path / "data" / "models" / "intents").glob("*/model.npz")
    cut_short(model)
    store.forget_all()

    result = CliRunner().invoke(intents_cli, ["intents", "eval", "--csv", str(mine)])

    assert result.exit_code == 2, result.output
    [line] = [line for line in result.stderr.splitlines() if line.strip()]
    assert line.startswith(f"error: {model.parent / 'meta.json'}: cannot read the intent model")
    assert line.endswith("(or resolve intents train to go back to the shipped utterances)")
