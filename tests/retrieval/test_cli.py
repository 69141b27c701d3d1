"""``resolve kb index`` and ``resolve kb search`` on a small project with the hashing encoder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from resolution_agent.agent.retrieval import factory
from resolution_agent.agent.retrieval.cli import register
from tests.retrieval.conftest import HashingEncoder


@pytest.fixture
def app(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoder: HashingEncoder
) -> typer.Typer:
    monkeypatch.setenv("RESOLVE_PROJECT_ROOT", str(project))
    monkeypatch.setenv("RESOLVE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(factory, "shared_encoder", lambda threads=1: encoder)
    monkeypatch.setattr(  # what the commands embed with before the agent's retriever opens
        "resolution_agent.agent.understanding.classifier.shared_encoder",
        lambda threads=1: encoder,
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
    result = CliRunner().invoke(app, ["kb", *args])
    return result.exit_code, result.stdout, result.stderr


def test_index_reports_added_then_unchanged_then_updated_and_removed(
    app: typer.Typer, project: Path, tmp_path: Path
) -> None:
    code, out = run(app, "index")
    assert code == 0, out
    assert "8 added, 0 updated, 0 removed, 0 unchanged" in out
    assert str(tmp_path / "data" / "kb") in out

    code, out = run(app, "index")
    assert "0 added, 0 updated, 0 removed, 8 unchanged (0 chunks embedded)" in out

    help_dir = project / "fixtures" / "help"
    (help_dir / "top-up-limits.md").write_text(
        (help_dir / "top-up-limits.md").read_text() + "\nA new line.\n", encoding="utf-8"
    )
    (help_dir / "deposit-protection-fscs.md").unlink()
    code, out = run(app, "index", "--json")
    report = json.loads(out)
    assert (report["added"], report["updated"], report["removed"], report["unchanged"]) == (
        0,
        1,
        1,
        6,
    )
    assert report["seconds"] >= 0


def test_search_prints_ranked_hits_with_scores(app: typer.Typer) -> None:
    code, out = run(app, "search", "is my money protected by the FSCS", "--k", "2")

    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].split()[0] == "1"
    assert "deposit-protection-fscs" in lines[0]
    assert float(lines[0].split()[1].rstrip("-")) > 0
    assert lines[2].split()[0] == "2"
    assert lines[-1].startswith("2 hits in")


def test_search_json_has_hits_and_the_grounding_verdict(app: typer.Typer) -> None:
    code, out = run(app, "search", "top up limit per day", "--json", "--intent", "top_up_limits")

    assert code == 0, out
    payload = json.loads(out)
    assert payload["hits"][0]["article_id"] == "top-up-limits"
    hit = payload["hits"][0]
    assert set(hit) == {"article_id", "title", "section", "snippet", "score", "url", "answers"}
    assert hit["answers"] == ["most", "per_period"]  # "limit", "per day": the snippet says both
    assert len(payload["hits"]) == 5
    assert payload["grounding_threshold"] == 0.35
    assert isinstance(payload["answerable"], bool)


def test_a_bad_article_exits_2_naming_the_file(app: typer.Typer, project: Path) -> None:
    (project / "fixtures" / "help" / "broken.md").write_text("no front matter\n")

    code, out = run(app, "index")

    assert code == 2
    assert "broken.md" in out
    assert "missing front matter" in out


def test_index_shows_progress_on_stderr_only_while_there_is_work(app: typer.Typer) -> None:
    code, out, err = run_both(app, "index")

    assert code == 0, err
    [line] = [line for line in err.splitlines() if "indexing the help centre" in line]
    assert line.startswith("resolve: indexing the help centre: ")
    assert "passages in" in line
    assert "passages" not in out  # results on stdout, progress on stderr

    code, out, err = run_both(app, "index")
    assert code == 0 and err == ""  # in sync: nothing embedded, nothing shown


def test_search_on_a_cold_index_says_what_is_built_and_why_only_the_first_time(
    app: typer.Typer, tmp_path: Path
) -> None:
    code, out, err = run_both(app, "search", "top up limit per day", "--json")

    assert code == 0, err
    assert "first use: building the help-centre search index" in err
    assert str(tmp_path / "data" / "kb") in err
    assert json.loads(out)["hits"]  # stdout is still one JSON object

    code, out, err = run_both(app, "search", "top up limit per day", "--json")
    assert code == 0 and "first use" not in err and "indexing" not in err
