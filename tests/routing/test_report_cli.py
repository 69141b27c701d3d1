"""``resolve routing simulate`` and the report it writes."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from resolution_agent.agent.routing import (
    POLICY_NAMES,
    SimulationReport,
    WorkloadConfig,
    run_simulation,
    write_report,
)
from resolution_agent.agent.routing._report import render_html, rows, terminal_table, verdicts
from resolution_agent.agent.routing.cli import register
from tests.routing.builders import FIXTURES

SIZE = ["--cops", "20", "--cases", "600", "--hours", "3", "--seed", "5"]


def app() -> typer.Typer:
    root = typer.Typer()

    @root.callback()
    def _root() -> None:
        """Stand-in for the resolve command."""

    register(root)
    return root


def test_simulate_prints_policies_side_by_side_and_writes_both_reports(tmp_path: Path) -> None:
    result = CliRunner().invoke(app(), ["routing", "simulate", *SIZE, "--report", str(tmp_path)])

    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if line.startswith("metric"))
    assert header.split() == ["metric", "fifo", "greedy", "optimal"]
    assert "urgent SLA attainment" in result.stdout
    report = SimulationReport.model_validate_json((tmp_path / "report.json").read_text())
    assert [r.metrics.policy for r in report.results] == ["fifo", "greedy", "optimal"]
    html = (tmp_path / "report.html").read_text()
    assert html.count("<svg") == 4
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )


def test_simulate_runs_only_the_policies_asked_for(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app(),
        ["routing", "simulate", *SIZE, "--policies", "optimal", "--report", str(tmp_path)],
    )

    assert result.exit_code == 0, result.output
    payload = json.loads((tmp_path / "report.json").read_text())
    assert [r["metrics"]["policy"] for r in payload["results"]] == ["optimal"]


def test_unknown_policy_exits_2_naming_the_choices(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app(), ["routing", "simulate", "--policies", "fifo,lottery", "--report", str(tmp_path)]
    )

    assert result.exit_code == 2
    assert "lottery" in result.stderr and "optimal" in result.stderr


def test_simulate_can_use_a_roster_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app(),
        [
            "routing",
            "simulate",
            *SIZE,
            "--roster",
            str(FIXTURES / "roster.yaml"),
            "--report",
            str(tmp_path),
        ],
    )

    assert result.exit_code == 0, result.output
    report = SimulationReport.model_validate_json((tmp_path / "report.json").read_text())
    assert report.config.cops == 8


def test_a_broken_roster_file_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "roster.yaml"
    broken.write_text("version: 1\ncops: [{id: a}]\n", encoding="utf-8")

    result = CliRunner().invoke(
        app(), ["routing", "simulate", *SIZE, "--roster", str(broken), "--report", str(tmp_path)]
    )

    assert result.exit_code == 2
    assert "roster schema" in result.stderr


def test_report_html_escapes_what_it_shows(tmp_path: Path) -> None:
    report = run_simulation(WorkloadConfig(cops=10, cases=200, hours=2, seed=1), ["fifo"])
    result = report.results[0]
    hostile = result.model_copy(
        update={"metrics": result.metrics.model_copy(update={"policy": "<b>fifo</b>"})}
    )
    html = render_html(report.model_copy(update={"results": [hostile]}))

    assert "<b>fifo</b>" not in html
    assert "&lt;b&gt;fifo&lt;/b&gt;" in html
    assert write_report(report, tmp_path) == [tmp_path / "report.json", tmp_path / "report.html"]


def test_the_report_goes_to_the_data_dir_when_no_folder_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RESOLVE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(app(), ["routing", "simulate", *SIZE, "--policies", "fifo"])

    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "routing" / "report.json").is_file()
    assert (tmp_path / "data" / "routing" / "report.html").is_file()
    assert not (tmp_path / ".data").exists()


def test_each_ranked_metric_marks_its_best_and_worst_value_and_ties_share_the_best() -> None:
    report = run_simulation(WorkloadConfig(cops=20, cases=600, hours=3, seed=5), POLICY_NAMES)
    table = {row.label: row for row in rows(report)}

    served = table["served"]
    assert served.better == "higher"
    raw = [r.metrics.served for r in report.results]
    assert served.best == [v == max(raw) for v in raw] or len(set(raw)) == 1
    wait = table["p99 wait"]
    shown = wait.values
    assert any(wait.best)
    for i, value in enumerate(shown):
        assert wait.best[i] == (value == shown[wait.best.index(True)])  # ties share it
    assert table["utilisation"].best == [False] * 3  # not ranked: neither way is better
    assert table["simulation time"].worst == [False] * 3


def test_a_policy_line_names_where_it_is_worst_and_where_it_trails_the_best() -> None:
    report = run_simulation(WorkloadConfig(cops=20, cases=600, hours=3, seed=5), POLICY_NAMES)
    table = [row for row in rows(report) if row.better is not None]

    for i, verdict in enumerate(verdicts(report)):
        worst = [row.label for row in table if row.worst[i]]
        behind = [row.label for row in table if any(row.best) and not row.best[i]]
        named = [said.split(" (")[0] for said in verdict.worst + verdict.behind]
        assert sorted(named) == sorted(behind)
        assert [said.split(" (")[0] for said in verdict.worst] == worst
        assert verdict.text.startswith(f"{verdict.policy}: ")


def test_the_html_marks_best_cells_and_has_one_line_per_policy(tmp_path: Path) -> None:
    report = run_simulation(
        WorkloadConfig(cops=20, cases=600, hours=3, seed=5), ["fifo", "optimal"]
    )
    html = render_html(report)

    assert html.count('class="best"') == sum(sum(row.best) for row in rows(report))
    assert html.count('class="worst"') == sum(sum(row.worst) for row in rows(report))
    assert 'id="verdict-fifo"' in html and 'id="verdict-optimal"' in html
    lines = dict(zip(["fifo", "optimal"], [v.text for v in verdicts(report)], strict=True))
    for policy, text in lines.items():
        assert escape(text) in html, policy


def test_the_terminal_table_ends_with_the_policy_lines() -> None:
    report = run_simulation(
        WorkloadConfig(cops=20, cases=600, hours=3, seed=5), ["fifo", "optimal"]
    )

    table = terminal_table(report)

    assert table.splitlines()[-2:] == [v.text for v in verdicts(report)]
