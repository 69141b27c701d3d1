"""One call from scenario files to a graded report: what the CLI and the benchmark use."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from resolution_agent.agent.settings import Settings
from resolution_agent.evals.loader import Scenario, load_suite
from resolution_agent.evals.metrics import RunResult, grade
from resolution_agent.evals.provenance import git_commit, planner_kind
from resolution_agent.evals.runner import (
    Job,
    PlannerFactory,
    Progress,
    SuiteRunner,
    jobs_for,
    prepare_banks,
)
from resolution_agent.evals.summary import Report, summarise
from resolution_agent.evals.workers import SuitePlan, default_workers, run_in_workers
from resolution_agent.tools.errors import DataFileError


async def run_scenarios(
    scenarios: Sequence[Scenario],
    settings: Settings,
    *,
    repeat: int = 1,
    concurrency: int = 8,
    progress: Progress | None = None,
    planner: PlannerFactory | None = None,
    time_limit_s: float | None = None,
    workers: int | None = 1,
) -> list[RunResult]:
    """Run each scenario ``repeat`` times and grade every run (each within ``time_limit_s``).

    ``workers`` above 1 runs the jobs in that many processes (:mod:`evals.workers`), with
    ``concurrency`` conversations in flight in all of them together; the results are the same.
    """
    return await run_jobs(
        scenarios,
        jobs_for(scenarios, repeat),
        settings,
        concurrency=concurrency,
        progress=progress,
        planner=planner,
        time_limit_s=time_limit_s,
        workers=workers,
    )


async def run_jobs(
    scenarios: Sequence[Scenario],
    jobs: Sequence[Job],
    settings: Settings,
    *,
    concurrency: int = 8,
    progress: Progress | None = None,
    planner: PlannerFactory | None = None,
    time_limit_s: float | None = None,
    workers: int | None = 1,
) -> list[RunResult]:
    """Run and grade ``jobs`` (runs of ``scenarios``), in order, in ``workers`` processes
    (None: :func:`~resolution_agent.evals.workers.default_workers` for this many jobs)."""
    workers = min(default_workers(len(jobs)) if workers is None else workers, len(jobs))
    if workers <= 1:
        runner = SuiteRunner(settings, scenarios, planner=planner, time_limit_s=time_limit_s)
        return await runner.run(jobs, grade, concurrency=concurrency, progress=progress)
    prepare_banks(settings.fixtures_dir, scenarios)  # a bad seed or patch: fails here, named
    per_worker = max(1, -(-concurrency // workers))
    plan = SuitePlan(
        settings=settings,
        scenarios=tuple(scenarios),
        jobs=tuple(jobs),
        finish=grade,
        planner=planner,
        time_limit_s=time_limit_s,
        concurrency=per_worker,
    )
    return await run_in_workers(plan, workers=workers, chunk=per_worker, progress=progress)


async def evaluate(
    paths: Sequence[Path],
    settings: Settings,
    *,
    repeat: int = 1,
    concurrency: int = 8,
    tags: Sequence[str] = (),
    progress: Progress | None = None,
    planner: PlannerFactory | None = None,
    model_name: str | None = None,
    time_limit_s: float | None = None,
    workers: int | None = 1,
) -> Report:
    """Load, run and grade the suite under ``paths``; raises ``DataFileError`` on bad data."""
    scenarios = load_suite(paths, tags)
    if not scenarios:
        where = ", ".join(str(p) for p in paths)
        which = f" tagged {', '.join(tags)}" if tags else ""
        raise DataFileError(where, f"no scenarios{which} found")
    runs = await run_scenarios(
        scenarios,
        settings,
        repeat=repeat,
        concurrency=concurrency,
        progress=progress,
        planner=planner,
        time_limit_s=time_limit_s,
        workers=workers,
    )
    model = model_name or settings.planner_model() or "offline"
    return summarise(
        runs,
        repeat=repeat,
        model=model,
        concurrency=concurrency,
        planner=planner_kind(settings, model_name),
        commit=git_commit(settings.project_root),
    )


__all__ = ["evaluate", "run_jobs", "run_scenarios"]
