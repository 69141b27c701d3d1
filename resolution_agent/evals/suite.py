"""One call from scenario files to a graded report: what the CLI and the benchmark use."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from resolution_agent.agent.settings import Settings
from resolution_agent.evals.loader import Scenario, load_suite
from resolution_agent.evals.metrics import RunResult, grade
from resolution_agent.evals.provenance import git_commit, planner_kind
from resolution_agent.evals.runner import PlannerFactory, Progress, SuiteRunner, jobs_for
from resolution_agent.evals.summary import Report, summarise
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
) -> list[RunResult]:
    """Run each scenario ``repeat`` times and grade every run (each within ``time_limit_s``)."""
    runner = SuiteRunner(settings, scenarios, planner=planner, time_limit_s=time_limit_s)
    return await runner.run(
        jobs_for(scenarios, repeat), grade, concurrency=concurrency, progress=progress
    )


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


__all__ = ["evaluate", "run_scenarios"]
