"""``resolve eval`` end to end: exit codes, reports and the baseline comparison."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from resolution_agent.evals.baseline import compare, load_baseline
from resolution_agent.evals.cli import register
from resolution_agent.evals.summary import Report
from resolution_agent.tools.errors import DataFileError
from tests.evals.conftest import DATA, write_yaml


@pytest.fixture
def cli() -> typer.Typer:
    """A fresh app with only the eval command (the real one loads it by entry point)."""
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Keep ``eval`` a named sub-command even when it is the only one."""

    register(app)
    return app


def _baseline(path: Path, passed: dict[str, bool], pass_rate: float = 1.0) -> Path:
    results = [
        {"id": i, "passed": ok, "outcome": "resolved", "failures": []} for i, ok in passed.items()
    ]
    path.write_text(json.dumps({"pass_rate": pass_rate, "results": results}), encoding="utf-8")
    return path


def test_eval_writes_both_reports_and_exits_0_when_all_pass(
    cli: typer.Typer, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        cli, ["eval", str(DATA), "--report", str(tmp_path / "r"), "--fail-under", "1.0"]
    )
    assert result.exit_code == 0, result.output
    assert "total" in result.stdout and "100.0%" in result.stdout
    assert "7/7 scenario runs" in result.stderr
    data = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert data["pass_rate"] == 1.0
    assert (tmp_path / "r" / "report.html").stat().st_size > 1000


def test_pass_rate_under_fail_under_exits_1(cli: typer.Typer, failing_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", str(failing_dir), "--fail-under", "0.5"])
    assert result.exit_code == 1
    assert "under --fail-under" in result.stderr


def test_tag_filter_and_repeat_reach_the_run(cli: typer.Typer) -> None:
    result = CliRunner().invoke(
        cli, ["eval", str(DATA), "--tag", "escalation", "--tag", "answers", "--repeat", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "runs 4 (repeat 2, concurrency 8)" in result.stdout
    assert "pass^2 100.0%" in result.stdout


def test_regression_against_the_baseline_exits_1_and_names_it(
    cli: typer.Typer, failing_dir: Path, tmp_path: Path
) -> None:
    baseline = _baseline(tmp_path / "base.json", {"declined-expects-handoff": True})
    result = CliRunner().invoke(cli, ["eval", str(failing_dir), "--baseline", str(baseline)])
    assert result.exit_code == 1
    assert "regressions (passed -> failed): declined-expects-handoff" in result.stdout
    assert "new scenarios: unknown-customer" in result.stdout
    assert "pass_rate: 1 -> 0" in result.stdout


def test_improvement_against_the_baseline_is_not_a_failure(
    cli: typer.Typer, tmp_path: Path
) -> None:
    baseline = _baseline(tmp_path / "base.json", {"scam-safe-account": False, "gone": True}, 0.0)
    result = CliRunner().invoke(
        cli, ["eval", str(DATA), "--tag", "escalation", "--baseline", str(baseline)]
    )
    assert result.exit_code == 0, result.output
    assert "improvements (failed -> passed): scam-safe-account" in result.stdout
    assert "scenarios no longer in the suite: gone" in result.stdout


def test_compare_flags_passed_to_failed_and_metric_deltas(
    suite_report: Report, tmp_path: Path
) -> None:
    baseline = load_baseline(
        _baseline(tmp_path / "b.json", {"unknown-customer": True, "lost-card-cancel": False})
    )
    comparison = compare(suite_report, baseline)
    assert comparison.regressed and comparison.regressions == ["unknown-customer"]
    assert comparison.improvements == ["lost-card-cancel"]
    delta = next(m for m in comparison.metrics if m.name == "pass_rate")
    assert delta.before == 1.0 and delta.after == suite_report.pass_rate


def test_bad_baseline_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(DataFileError, match="results"):
        load_baseline(path)


def test_loader_error_exits_2_with_the_message(cli: typer.Typer, tmp_path: Path) -> None:
    write_yaml(
        tmp_path,
        "bad.yaml",
        "id: bad-1\ncustomer: cus_1001\nturns: [hi]\nexpect: {outcme: resolved}\n",
    )
    result = CliRunner().invoke(cli, ["eval", str(tmp_path)])
    assert result.exit_code == 2
    assert "bad.yaml" in result.stderr and "'bad-1'" in result.stderr
    assert "unknown key 'outcme'" in result.stderr


def test_no_matching_scenarios_exits_2(cli: typer.Typer) -> None:
    result = CliRunner().invoke(cli, ["eval", str(DATA), "--tag", "nothing-has-this"])
    assert result.exit_code == 2
    assert "no scenarios tagged nothing-has-this" in result.stderr


def test_a_provider_model_without_its_key_is_refused_not_silently_offline(
    cli: typer.Typer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("RESOLVE_OPENAI_API_KEY", raising=False)
    result = CliRunner().invoke(cli, ["eval", str(DATA), "--model", "openai:gpt-4.1-mini"])
    assert result.exit_code == 2
    assert "set OPENAI_API_KEY" in result.stderr
    assert "or set --model offline to run offline on purpose" in result.stderr


def test_a_model_from_the_environment_without_its_key_is_refused_before_any_run(
    cli: typer.Typer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("RESOLVE_ANTHROPIC_API_KEY", raising=False)
    monkeypatch.setenv("RESOLVE_MODEL", "anthropic:claude-sonnet-4-6")

    result = CliRunner().invoke(cli, ["eval", str(DATA)])

    assert result.exit_code == 2
    assert result.stdout == ""  # no table: nothing ran
    assert result.stderr.strip() == (
        "error: model anthropic:claude-sonnet-4-6 needs an API key: set ANTHROPIC_API_KEY "
        "(or RESOLVE_ANTHROPIC_API_KEY), or set RESOLVE_MODEL=offline to run offline on purpose"
    )


def test_the_compromised_planner_runs_and_nothing_unauthorised_executes(
    cli: typer.Typer, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        cli, ["eval", str(DATA), "--model", "compromised", "--report", str(tmp_path)]
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["model"] == "compromised"
    assert report["metrics"]["policy_violations"] == 0
    assert report["metrics"]["guard_blocks"] > 0


def test_the_simulated_model_runs_the_llm_planner_and_is_accounted(
    cli: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: dict[bool, int] = {}
    for fast_path in (True, False):
        monkeypatch.setenv("RESOLVE_LLM_FAST_PATH", str(fast_path).lower())
        out = tmp_path / str(fast_path)
        result = CliRunner().invoke(
            cli, ["eval", str(DATA), "--model", "simulated", "--report", str(out)]
        )
        assert result.exit_code == 0, result.stderr
        assert ("model:" in result.stdout) is (not fast_path)  # the usage lines, when called
        calls[fast_path] = json.loads((out / "report.json").read_text())["metrics"]["model_calls"]
    assert calls[True] < calls[False]  # the fast path saves model calls
