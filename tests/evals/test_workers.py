"""Scenario runs in worker processes: the same results as one process, crashes contained."""

from __future__ import annotations

import os

import pytest

from resolution_agent.agent.settings import Settings
from resolution_agent.evals.loader import load_suite
from resolution_agent.evals.metrics import RunResult, grade
from resolution_agent.evals.runner import RunRecord, jobs_for
from resolution_agent.evals.suite import run_scenarios
from resolution_agent.evals.workers import (
    RUNS_PER_WORKER,
    WORKER_CRASHED,
    SuitePlan,
    default_workers,
    run_in_workers,
)
from tests.evals.conftest import DATA

pytestmark = pytest.mark.slow  # each worker is a fresh interpreter that opens the models

#: What differs between two runs of one scenario even in one process: the clock's readings.
TIMINGS = {"turn_ms", "turn_ms_median", "wall_ms", "model_ms", "turn_model_ms"}
KILLER = "lost-card-freeze-b"


def comparable(result: RunResult) -> dict[str, object]:
    return result.model_dump(exclude={"metrics": TIMINGS})


def grade_or_kill_the_worker(record: RunRecord) -> RunResult:
    """Grades, except that the run of :data:`KILLER` ends its process as a native crash would
    (a record that already carries an error is graded: that is the crash being recorded)."""
    if record.scenario.id == KILLER and record.error is None:
        os._exit(3)
    return grade(record)


async def test_two_worker_processes_give_the_results_of_one(settings: Settings) -> None:
    scenarios = load_suite([DATA])
    one = await run_scenarios(scenarios, settings, repeat=2, concurrency=4, workers=1)
    seen: list[tuple[int, int]] = []
    two = await run_scenarios(
        scenarios,
        settings,
        repeat=2,
        concurrency=4,
        workers=2,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert [comparable(r) for r in two] == [comparable(r) for r in one]
    assert [(r.id, r.attempt) for r in two] == [(s.id, a) for s in scenarios for a in range(2)]
    assert all(r.passed for r in two), [(r.id, r.failures) for r in two if not r.passed]
    assert seen[-1] == (len(two), len(two))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


async def test_a_run_that_kills_its_worker_is_recorded_as_crashed_and_the_rest_finish(
    settings: Settings,
) -> None:
    scenarios = load_suite([DATA])
    jobs = jobs_for(scenarios, 1)
    plan = SuitePlan(
        settings=settings,
        scenarios=tuple(scenarios),
        jobs=tuple(jobs),
        finish=grade_or_kill_the_worker,
        concurrency=2,
    )
    results = await run_in_workers(plan, workers=2, chunk=2)
    assert [r.id for r in results] == [s.id for s in scenarios]
    killed = next(r for r in results if r.id == KILLER)
    assert killed.error is not None and killed.error.startswith(WORKER_CRASHED)
    assert not killed.passed and killed.outcome == "error"
    others = [r for r in results if r.id != KILLER]
    assert all(r.passed and r.error is None for r in others), [
        (r.id, r.failures) for r in others if not r.passed
    ]


def test_a_small_suite_runs_in_this_process_and_a_large_one_on_every_cpu() -> None:
    assert default_workers(RUNS_PER_WORKER - 1) == 1
    cpus = len(os.sched_getaffinity(0))
    assert default_workers(RUNS_PER_WORKER * 64) == cpus
