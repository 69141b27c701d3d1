"""``resolve intents train`` / ``eval`` with the fake encoder, in a throw-away project folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.agent.understanding.cli import register
from tests.understanding.conftest import TINY, HashingEncoder


@pytest.fixture
def app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_encoder: HashingEncoder
) -> typer.Typer:
    """A ``resolve``-like app whose project ships the tiny CSV as its utterances."""
    root = tmp_path / "project"
    (root / "fixtures" / "intents").mkdir(parents=True)
    shutil.copy(TINY, root / "fixtures" / "intents" / "utterances.csv")
    shutil.copytree(PROJECT_ROOT / "policies", root / "policies")
    monkeypatch.setenv("RESOLVE_PROJECT_ROOT", str(root))
    monkeypatch.setenv("RESOLVE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("RESOLVE_MODELS_DIR", raising=False)
    monkeypatch.setattr(
        "resolution_agent.agent.understanding.classifier.shared_encoder",
        lambda threads=1: fake_encoder,
    )
    cli = typer.Typer()

    @cli.callback()
    def main() -> None:
        """Test root."""

    register(cli)
    return cli


def run(app: typer.Typer, *args: str) -> tuple[int, str]:
    """Exit code and standard output (progress goes to standard error); errors: both."""
    code, out, err = run_both(app, *args)
    return code, out if code == 0 else out + err


def run_both(app: typer.Typer, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["intents", *args])
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mine.csv"
    path.write_text(body, encoding="utf-8")
    return path


def test_train_without_csv_builds_the_shipped_model(app: typer.Typer, tmp_path: Path) -> None:
    code, out = run(app, "train")
    assert code == 0, out
    assert "training on 36 utterances, 6 intents" in out
    assert "active intent model: shipped utterances" in out
    code, out = run(app, "train")
    assert "reused cached model" in out


def test_train_with_csv_makes_it_active_and_eval_scores_it(
    app: typer.Typer, tmp_path: Path
) -> None:
    mine = shutil.copy(TINY, tmp_path / "mine.csv")
    code, out = run(app, "train", "--csv", str(mine))
    assert code == 0, out
    assert f"active intent model: {mine}" in out
    pointer = json.loads((tmp_path / "data" / "models" / "intents" / "active.json").read_text())
    code, out = run(app, "eval", "--csv", str(mine), "--json")
    assert code == 0, out
    report = json.loads(out)
    assert report["model_key"] == pointer["key"]
    assert 0.5 <= report["accuracy"] <= 1.0
    assert 0.0 <= report["macro_f1"] <= 1.0
    assert report["rows"] == 36


def test_eval_prints_a_readable_summary(app: typer.Typer) -> None:
    code, out = run(app, "eval", "--csv", str(TINY))
    assert code == 0, out
    assert "accuracy" in out and "macro-F1" in out and "ECE" in out


def test_unknown_labels_are_refused_then_accepted_with_the_flag(
    app: typer.Typer, tmp_path: Path
) -> None:
    body = TINY.read_text() + "can I open an ISA,isa_enquiry\nISA rates please,isa_enquiry\n"
    mine = write(tmp_path, body)
    code, out = run(app, "train", "--csv", str(mine))
    assert code == 2
    assert str(mine) in out and "isa_enquiry (2 rows)" in out
    code, out = run(app, "train", "--csv", str(mine), "--accept-unknown-labels")
    assert code == 0, out
    assert "7 intents" in out


@pytest.mark.parametrize(
    ("body", "problem"),
    [("text,topic\nhello,greeting\n", "missing column"), ("", "empty")],
)
def test_bad_csv_exits_2_naming_the_file(
    app: typer.Typer, tmp_path: Path, body: str, problem: str
) -> None:
    mine = write(tmp_path, body)
    for command in (["train", "--csv", str(mine)], ["eval", "--csv", str(mine), "--json"]):
        code, out = run(app, *command)
        assert code == 2
        assert str(mine) in out and problem in out


def test_train_shows_its_progress_on_stderr_and_its_results_on_stdout(app: typer.Typer) -> None:
    code, out, err = run_both(app, "train")

    assert code == 0, err
    [line] = [line for line in err.splitlines() if "training the intent model" in line]
    assert "36/36 utterances in" in line
    assert "utterances in" not in out


def test_eval_on_a_cold_model_says_why_it_trains_first_then_scores_with_progress(
    app: typer.Typer, tmp_path: Path
) -> None:
    code, out, err = run_both(app, "eval", "--csv", str(TINY), "--json")

    assert code == 0, err
    assert "first use: training the intent model" in err
    assert str(tmp_path / "data" / "models") in err
    assert "scoring 36 utterances: 36/36 utterances in" in err
    assert json.loads(out)["rows"] == 36  # stdout is still one JSON object

    code, out, err = run_both(app, "eval", "--csv", str(TINY), "--json")
    assert code == 0 and "first use" not in err and "training" not in err


def test_train_with_shipped_adds_the_csv_to_the_shipped_utterances(
    app: typer.Typer, tmp_path: Path
) -> None:
    mine = write(tmp_path, "text,intent\nhow do I top up my account,top_up_failed\n")
    code, out = run(app, "train", "--csv", str(mine), "--with-shipped")
    assert code == 0, out
    assert "training on 37 utterances, 7 intents" in out
    assert f"+ {mine}" in out and "active intent model:" in out
    report = json.loads(run(app, "eval", "--csv", str(mine), "--json")[1])
    assert report["rows"] == 1


def test_with_shipped_without_a_csv_is_refused(app: typer.Typer) -> None:
    code, out = run(app, "train", "--with-shipped")
    assert code == 2
    assert "--with-shipped adds a --csv file" in out
