"""``resolve routing simulate``: registered through the ``resolve.commands`` entry point.

Exit codes: 0 done; 2 the options, the settings or the roster file could not be used.

The report goes to ``--report``, by default ``routing/`` in the agent's data folder
(``RESOLVE_DATA_DIR``), beside everything else the project writes. The settings module is the
one part of the agent this command reads (pydantic only, like the rest of routing).

Only typer and the standard library are imported at module level: ``register`` runs on every
``resolve`` invocation, ``--help`` included, and the simulator pulls in SciPy. That is also
why the policy names are not listed in the option's help (an unknown name lists them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ALL_POLICIES = "all"


def _progress(message: str) -> None:
    typer.echo(message, err=True)


def simulate(
    cops: Annotated[int, typer.Option(min=1, help="COps on the synthetic roster.")] = 200,
    cases: Annotated[int, typer.Option(min=1, help="Cases arriving in the window.")] = 20_000,
    hours: Annotated[float, typer.Option(min=0.1, max=168, help="Length of the window.")] = 24.0,
    seed: Annotated[int, typer.Option(help="Seed of the whole run.")] = 7,
    policies: Annotated[
        str,
        typer.Option(help="Comma-separated policy names, or 'all' (a wrong name lists them)."),
    ] = ALL_POLICIES,
    report: Annotated[
        Path | None,
        typer.Option(
            help="Folder for report.html and report.json [default: <RESOLVE_DATA_DIR>/routing]."
        ),
    ] = None,
    interval: Annotated[
        float, typer.Option(min=1.0, help="Seconds between decision rounds.")
    ] = 20.0,
    roster: Annotated[
        Path | None, typer.Option(help="Roster YAML to use instead of synthetic COps.")
    ] = None,
) -> None:
    """Simulate a day at the desk under each policy (same arrivals) and compare them."""
    from pydantic import ValidationError

    from resolution_agent.agent.routing._errors import RoutingError
    from resolution_agent.agent.routing._experiment import run_simulation
    from resolution_agent.agent.routing._files import load_roster
    from resolution_agent.agent.routing._policies import POLICY_NAMES
    from resolution_agent.agent.routing._report import terminal_table, write_report
    from resolution_agent.agent.routing._workload import WorkloadConfig
    from resolution_agent.agent.settings import SettingsError, load_settings

    if policies.strip() == ALL_POLICIES:
        names = list(POLICY_NAMES)
    else:
        names = [n.strip() for n in policies.split(",") if n.strip()]
    unknown = [n for n in names if n not in POLICY_NAMES]
    if not names or unknown:
        typer.echo(
            f"error: unknown policy {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(POLICY_NAMES)}",
            err=True,
        )
        raise typer.Exit(2)
    try:
        folder = report if report is not None else load_settings().data_dir / "routing"
        config = WorkloadConfig(cops=cops, cases=cases, hours=hours, seed=seed)
        loaded = load_roster(roster) if roster is not None else None
        result = run_simulation(config, names, interval=interval, roster=loaded, progress=_progress)
        written = write_report(result, folder)
    except (RoutingError, SettingsError, ValidationError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(terminal_table(result))
    typer.echo(f"\nreport written: {', '.join(str(p) for p in written)}")


def register(app: typer.Typer) -> None:
    """Add ``routing simulate`` to the ``resolve`` command line."""
    routing = typer.Typer(no_args_is_help=True, help="Route handed-off customers to COps.")
    routing.command("simulate")(simulate)
    app.add_typer(routing, name="routing")


__all__ = ["register", "simulate"]
