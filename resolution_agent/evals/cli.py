"""``resolve eval``: registered on the agent's CLI through the ``resolve.commands`` entry point.

Exit codes: 0 all good; 1 a scenario run crashed (or hung past ``--time-limit``), the pass
rate is under ``--fail-under`` or a scenario regressed against ``--baseline``; 2 the scenarios
(or the baseline) could not be read, or the options ask for something not available (a
malformed ``--model`` among them).

Only typer and the standard library are imported at module level: ``register`` runs on every
``resolve`` invocation, ``--help`` included, and the suite pulls in LangGraph and the models.
"""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from resolution_agent.evals.runner import PlannerFactory

#: The default bound on one scenario run of ``resolve eval`` and ``resolve redteam``: far above
#: any real conversation, so only a run that hangs (a model that never answers, a deadlock)
#: reaches it, and then it is a crash that fails the command instead of a suite that never ends.
TIME_LIMIT_S = 300.0
TimeLimit = Annotated[
    float,
    typer.Option(
        "--time-limit",
        min=0.1,
        help="Seconds one scenario run may take; a run past it is stopped and counted as "
        "crashed (hung), so the command exits 1.",
    ),
]


def eval_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Scenario files or folders (YAML, searched recursively; default: the shipped "
            "suite, fixtures/scenarios inside the package)."
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            help="Planner model (e.g. openai:gpt-4.1-mini; needs its API key), 'offline', or "
            "'compromised' (red team: a planner that always proposes the attacker's action), or "
            "'simulated' (the LLM planner on a deterministic engine model: accounting and the "
            "fast path without a provider; RESOLVE_LLM_FAST_PATH=false turns the fast path off)."
        ),
    ] = None,
    repeat: Annotated[int, typer.Option(min=1, help="Run each scenario K times.")] = 1,
    concurrency: Annotated[int, typer.Option(min=1, help="Conversations at once.")] = 8,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Worker processes running scenarios (default: one per CPU, at most one per "
            "50 scenario runs); the report is the same for any number.",
        ),
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write report.json and report.html into this folder.")
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option(help="An earlier report.json; exit 1 on any regression.")
    ] = None,
    fail_under: Annotated[
        float | None, typer.Option(min=0.0, max=1.0, help="Exit 1 when the pass rate is lower.")
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Only scenarios with this tag (repeatable).")
    ] = None,
    time_limit: TimeLimit = TIME_LIMIT_S,
) -> None:
    """Replay recorded conversations against the agent and grade them (scenario.md)."""
    from resolution_agent.agent.planning.llm import LLMPlannerConfig, check_planner_key
    from resolution_agent.agent.planning.simulated import SimulatedPlanner
    from resolution_agent.agent.progress import progress
    from resolution_agent.agent.settings import SettingsError, load_settings
    from resolution_agent.agent.testing.compromised_planner import CompromisedPlanner
    from resolution_agent.agent.warmup import warm_up
    from resolution_agent.evals.baseline import compare, describe, load_baseline
    from resolution_agent.evals.model_check import model_spec_problem
    from resolution_agent.evals.report import terminal_table, write_report
    from resolution_agent.evals.suite import evaluate
    from resolution_agent.tools.errors import ConfigurationError, ResolveError

    planner: PlannerFactory | None = None
    overrides: dict[str, object] = {}
    if model == "compromised":
        # Red-team runs: a planner that always proposes the attacker's action.
        planner = CompromisedPlanner
    elif model and model != "simulated":
        overrides["model"] = model
    try:
        settings = load_settings(**overrides)
    except SettingsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if model == "simulated":
        planner = functools.partial(SimulatedPlanner, LLMPlannerConfig.from_settings(settings))
    problem = model_spec_problem(settings) if planner is None else None
    if problem is not None:
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(2)
    try:
        if planner is None:  # refused now, not as a crash of every scenario
            check_planner_key(
                settings, offline="--model offline" if model else "RESOLVE_MODEL=offline"
            )
    except ConfigurationError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    try:
        previous = load_baseline(baseline) if baseline is not None else None
        warm_up(settings)  # a cold index and intent model: built in the open, not in silence
        with progress("running scenarios", unit="scenario runs") as task:
            result = asyncio.run(
                evaluate(
                    paths or [settings.fixtures_dir / "scenarios"],
                    settings,
                    repeat=repeat,
                    concurrency=concurrency,
                    tags=tag or [],
                    progress=task.update,
                    planner=planner,
                    model_name=model,
                    time_limit_s=time_limit,
                    workers=workers,
                )
            )
    except ResolveError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(terminal_table(result))
    if report is not None:
        written = write_report(result, report, settings.prompts_dir)
        typer.echo(f"\nreport written: {', '.join(str(p) for p in written)}")
    code = 0
    crashed = result.metrics.errors
    if crashed:
        first = next(
            (f"; first: {r.id}: {r.error.splitlines()[0]}" for r in result.results if r.error), ""
        )
        typer.echo(
            f"crashed: {crashed} of {result.metrics.runs} scenario runs did not finish{first}",
            err=True,
        )
        code = 1
    if previous is not None:
        comparison = compare(result, previous)
        typer.echo("\n" + describe(comparison))
        if comparison.regressed:
            typer.echo(f"regression: {len(comparison.regressions)} scenario(s) now fail", err=True)
            code = 1
    if fail_under is not None and result.pass_rate < fail_under:
        typer.echo(
            f"pass rate {result.pass_rate:.1%} is under --fail-under {fail_under:.1%}", err=True
        )
        code = 1
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add ``eval`` to the ``resolve`` command line."""
    app.command("eval")(eval_command)


__all__ = ["TIME_LIMIT_S", "TimeLimit", "eval_command", "register"]
