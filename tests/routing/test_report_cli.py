"""``resolve routing simulate`` and the report it writes."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from resolution_agent.agent.routing import (
    SimulationReport,
    WorkloadConfig,
    run_simulation,
    write_report,
)
from resolution_agent.agent.routing._report import render_html
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
