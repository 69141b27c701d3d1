"""One call from scenario files to a graded report: what the CLI and the benchmark use."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from agent.settings import Settings
from evals.loader import Scenario, load_suite
from evals.metrics import RunResult, grade
from evals.runner import Progress, SuiteRunner, jobs_for
from evals.summary import Report, summarise
from tools.errors import DataFileError


async def run_scenarios(
    scenarios: Sequence[Scenario],
    settings: Settings,
    *,
    repeat: int = 1,
    concurrency: int = 8,
    progress: Progress | None = None,
) -> list[RunResult]:
    """Run each scenario ``repeat`` times and grade every run."""
    runner = SuiteRunner(settings, scenarios)
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
) -> Report:
    """Load, run and grade the suite under ``paths``; raises ``DataFileError`` on bad data."""
    scenarios = load_suite(paths, tags)
    if not scenarios:
        where = ", ".join(str(p) for p in paths)
        which = f" tagged {', '.join(tags)}" if tags else ""
        raise DataFileError(where, f"no scenarios{which} found")
    runs = await run_scenarios(
        scenarios, settings, repeat=repeat, concurrency=concurrency, progress=progress
    )
    return summarise(
        runs, repeat=repeat, model=settings.model or "offline", concurrency=concurrency
    )


__all__ = ["evaluate", "run_scenarios"]
