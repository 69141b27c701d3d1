"""Aggregation: pass@1 and pass^k, totals by tag and the outcome matrix."""

from __future__ import annotations

from resolution_agent.evals.metrics import RunMetrics, RunResult
from resolution_agent.evals.summary import Report, summarise


def _run(sid: str, attempt: int, passed: bool, *, tags: list[str] | None = None) -> RunResult:
    return RunResult(
        id=sid,
        title="",
        tags=tags or [],
        attempt=attempt,
        passed=passed,
        outcome="resolved" if passed else "handed_off",
        expected_outcome="resolved",
        intent=None,
        failures=[] if passed else ["outcome: expected resolved, got handed_off"],
        error=None,
        checks=[],
        metrics=RunMetrics(outcome_match=passed, turn_ms=[10.0, 30.0]),
        transcript=[],
        actions=[],
    )


def test_pass_hat_k_counts_scenarios_whose_k_runs_all_passed() -> None:
    runs = [
        *(_run("a", i, True) for i in range(3)),
        _run("b", 0, True),
        _run("b", 1, False),
        _run("b", 2, True),
        *(_run("c", i, False) for i in range(3)),
        *(_run("d", i, True) for i in range(3)),
    ]
    report = summarise(runs, repeat=3)
    assert report.repeat.k == 3 and report.repeat.runs == 12
    assert report.repeat.pass_at_1 == round(8 / 12, 4)
    assert report.repeat.pass_hat_k == 0.5
    assert (report.scenarios, report.passed, report.pass_rate) == (4, 2, 0.5)
    shown = next(r for r in report.results if r.id == "b")
    assert (shown.passed, shown.passes, shown.runs) == (False, 2, 3)
    assert shown.failures == ["outcome: expected resolved, got handed_off"]


def test_with_one_run_pass_at_1_equals_pass_hat_1() -> None:
    report = summarise([_run("a", 0, True), _run("b", 0, False)])
    assert report.repeat.pass_at_1 == report.repeat.pass_hat_k == report.pass_rate == 0.5


def test_by_tag_and_outcome_matrix() -> None:
    runs = [
        _run("a", 0, True, tags=["cards"]),
        _run("b", 0, False, tags=["cards", "payments"]),
        _run("c", 0, True),
    ]
    report = summarise(runs)
    assert list(report.by_tag) == ["(untagged)", "cards", "payments"]
    assert report.by_tag["cards"].passed == 1 and report.by_tag["cards"].scenarios == 2
    assert report.by_tag["payments"].pass_rate == 0.0
    assert report.outcomes["resolved"] == {
        "resolved": 2,
        "handed_off": 1,
        "awaiting_customer": 0,
        "error": 0,
    }
    assert report.metrics.outcome_match == round(2 / 3, 4)
    assert report.metrics.turn_ms_median == 20.0
    assert report.metrics.tool_precision is None


def test_suite_totals_see_the_crash_and_the_failures(suite_report: Report) -> None:
    assert suite_report.scenarios == 9
    assert suite_report.passed == 7
    assert suite_report.metrics.errors == 1
    assert suite_report.outcomes["handed_off"]["resolved"] == 1
    assert suite_report.outcomes["awaiting_customer"]["error"] == 1
    assert suite_report.by_tag["broken"].passed == 0
