"""Running scenarios: isolation between runs, crashes contained, repeats."""

from __future__ import annotations

from resolution_agent.agent.settings import Settings
from resolution_agent.evals.loader import load_suite
from resolution_agent.evals.metrics import RunResult
from resolution_agent.evals.suite import run_scenarios
from tests.evals.conftest import DATA


async def test_two_scenarios_freezing_the_same_card_both_start_from_an_active_card(
    settings: Settings,
) -> None:
    # The planner freezes only an active card, and the bank refuses to freeze a cancelled one:
    # with shared state, the second freeze (or the cancel running beside them) would show.
    wanted = {"lost-card-freeze-a", "lost-card-freeze-b", "lost-card-cancel"}
    scenarios = [s for s in load_suite([DATA]) if s.id in wanted]
    runs = await run_scenarios(scenarios, settings, concurrency=3)
    assert all(r.passed for r in runs), [(r.id, r.failures) for r in runs]
    for run in runs:
        freezes = [a for a in run.actions if a.tool == "freeze_card"]
        assert [a.outcome for a in freezes] == ["succeeded"]
        assert run.metrics.state_match is True


def test_a_crashing_scenario_is_its_own_failure_and_the_others_pass(
    suite_runs: list[RunResult],
) -> None:
    crashed = next(r for r in suite_runs if r.id == "unknown-customer")
    assert not crashed.passed
    assert crashed.outcome == "error"
    assert crashed.error is not None and "cus_9999" in crashed.error
    assert crashed.failures[0].startswith("crashed: ")
    data_ids = {s.id for s in load_suite([DATA])}
    assert all(r.passed for r in suite_runs if r.id in data_ids), [
        (r.id, r.failures) for r in suite_runs if not r.passed
    ]


def test_faults_and_patches_apply_to_their_own_scenario_only(suite_runs: list[RunResult]) -> None:
    faulty = next(r for r in suite_runs if r.id == "freeze-survives-bank-errors")
    assert faulty.passed, faulty.failures
    assert [a.tool for a in faulty.actions if a.tool == "freeze_card"] == ["freeze_card"]


def test_wrong_expectations_fail_with_readable_messages(suite_runs: list[RunResult]) -> None:
    wrong = next(r for r in suite_runs if r.id == "declined-expects-handoff")
    assert wrong.outcome == "resolved"
    assert wrong.failures == [
        "outcome: expected handed_off, got resolved",
        "queue: expected cards, got (none)",
    ]
    assert wrong.metrics.outcome_match is False
    assert wrong.metrics.replies == 1


async def test_repeat_runs_each_scenario_k_times(settings: Settings) -> None:
    scenarios = [s for s in load_suite([DATA]) if s.id == "scam-safe-account"]
    runs = await run_scenarios(scenarios, settings, repeat=3, concurrency=3)
    assert [(r.id, r.attempt, r.passed) for r in runs] == [
        ("scam-safe-account", 0, True),
        ("scam-safe-account", 1, True),
        ("scam-safe-account", 2, True),
    ]


def test_metrics_of_a_passing_run(suite_runs: list[RunResult]) -> None:
    run = next(r for r in suite_runs if r.id == "lost-card-cancel")
    m = run.metrics
    assert m.replies == 2 and len(m.turn_ms) == 2 and m.turn_ms_median > 0
    assert m.tools_expected == 2 and m.tools_matched == 2
    assert m.tool_recall == 1.0 and m.tool_precision == 1.0
    assert m.state_match is True and m.guard_blocks == 0 and m.policy_violations == []
    assert m.model_calls == 0 and m.tokens == 0
