"""The ``resolve`` command line: demo, chat, mockbank (more commands join as they land).

Only typer and the standard library are imported here, and each plugin's ``register`` keeps
to the same rule: a command imports what it needs (LangGraph, the model SDKs, scikit-learn)
when it runs, so ``resolve --help`` answers at once.

A failed command is reported in one place, :class:`_Commands`: an error of ours
(``ResolveError``: bad settings, a damaged file, a bank that cannot be used) or a file the
system refused is one line on standard error naming what to do, exit 2 for settings and data
files and 1 otherwise; anything else is a bug and keeps its traceback, as every error does
with ``RESOLVE_LOG_LEVEL=debug``.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from importlib.metadata import PackageNotFoundError, entry_points, version
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from resolution_agent.agent.settings import Settings

IdentityChoice = Literal["none", "app_authenticated", "step_up"]
DISTRIBUTION = "resolution-agent"


class _Commands(TyperGroup):
    """The root command group: every command, plugins' included, runs inside :meth:`invoke`."""

    def invoke(self, ctx: Any) -> Any:  # typer's own (vendored) click Context
        try:
            return super().invoke(ctx)
        except Exception as exc:
            code = _failure(exc)
            if code is None:
                raise
            raise typer.Exit(code) from exc


def _failure(exc: Exception) -> int | None:
    """Report ``exc`` in one line and give the exit code; None leaves it to its traceback."""
    # Imported only now: the error types load the tools package, which --help never needs.
    from resolution_agent.agent.errors import ConfigurationError, ResolveError

    if os.environ.get("RESOLVE_LOG_LEVEL", "").strip().lower() == "debug":
        return None
    if isinstance(exc, ResolveError):
        typer.echo(f"error: {exc}", err=True)
        return 2 if isinstance(exc, ConfigurationError) else 1
    if isinstance(exc, OSError) and exc.filename is not None:
        typer.echo(
            f"error: {exc.filename}: {exc.strerror}; check the path and its permissions "
            "(RESOLVE_DATA_DIR, RESOLVE_KB_DIR, RESOLVE_MODELS_DIR)",
            err=True,
        )
        return 1
    return None


app = typer.Typer(
    cls=_Commands,
    no_args_is_help=True,
    add_completion=False,
    help="Kestrel resolution agent: offline by default.",
)


def _print_version(value: bool) -> None:
    if not value:
        return
    try:
        typer.echo(f"resolve {version(DISTRIBUTION)}")
    except PackageNotFoundError as exc:
        typer.echo(f"error: {DISTRIBUTION} is not installed; run pip install -e .", err=True)
        raise typer.Exit(2) from exc
    raise typer.Exit()


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            callback=_print_version,
            help="Print the installed version and exit.",
        ),
    ] = False,
) -> None:
    """Kestrel resolution agent: offline by default."""


def _settings(**overrides: object) -> Settings:
    from resolution_agent.agent.settings import load_settings

    return load_settings(**overrides)


def _ready(settings: Settings) -> None:
    """Refuse a model without its key, then build what the agent's first start builds.

    Both before the agent opens: the error comes at once, and a cold cache (help-centre index,
    intent model) is built with progress and a line saying why, instead of minutes of silence.
    """
    from resolution_agent.agent.progress import progress

    with progress("loading the agent"):
        # Imported under the spinner for its cost alone (LangGraph, the model SDKs: seconds).
        import resolution_agent.agent.api  # noqa: F401
        from resolution_agent.agent.planning.llm import check_planner_key

        check_planner_key(settings)
    from resolution_agent.agent.warmup import warm_up

    warm_up(settings)


@app.command()
def demo() -> None:
    """Run scripted conversations on the offline default and print them."""
    from resolution_agent.tools.mockbank.seed import DEFAULT_CLOCK

    settings = _settings()
    if settings.clock is None:
        # Dates in the seed bank are relative to its clock; keep the demo's "now" beside them.
        settings = settings.model_copy(update={"clock": DEFAULT_CLOCK})
    _ready(settings)
    from resolution_agent.agent.demo import run_demo

    count = asyncio.run(run_demo(settings, typer.echo))
    typer.echo(f"\n{count} demo conversations run. Checkpoints in {settings.checkpoint_file}.")


@app.command()
def chat(
    customer: Annotated[str, typer.Option("--customer", help="Customer id, e.g. cus_1001.")],
    conversation: Annotated[str | None, typer.Option(help="Resume this conversation id.")] = None,
    identity: Annotated[IdentityChoice, typer.Option(help="What the channel vouches for.")] = (
        "app_authenticated"
    ),
) -> None:
    """Chat with the agent in the terminal (Ctrl-D or 'quit' to leave).

    An unknown customer, or a conversation of another customer, is refused before the first
    prompt; a resumed conversation (``--conversation``) shows its history first.
    """
    settings = _settings()
    _ready(settings)
    from resolution_agent.agent.chat import run_chat

    conversation_id = conversation or f"chat-{uuid.uuid4().hex[:12]}"
    asyncio.run(
        run_chat(
            settings,
            customer,
            conversation_id,
            identity,
            resume=conversation is not None,
            echo=typer.echo,
        )
    )


@app.command()
def audit(
    conversation_id: Annotated[str, typer.Argument(help="The conversation to export.")],
) -> None:
    """Export a conversation's audit trail as JSON lines (guard decisions, tool calls ...)."""
    from resolution_agent.agent.api import ResolutionAgent

    async def export() -> None:
        async with ResolutionAgent(_settings()) as agent:
            for event in await agent.audit_events(conversation_id):
                typer.echo(event.model_dump_json())

    asyncio.run(export())


@app.command("shadow-report")
def shadow_report(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Shadow mode: how often COps sent the agent's drafts unchanged, edited or replaced, by
    intent (RESOLVE_SHADOW_MODE)."""
    from resolution_agent.agent.api import ResolutionAgent
    from resolution_agent.agent.desk.shadow import shadow_table

    async def report() -> None:
        async with ResolutionAgent(_settings()) as agent:
            found = await agent.shadow_report()
        typer.echo(found.model_dump_json(indent=2) if as_json else shadow_table(found))

    asyncio.run(report())


@app.command()
def patterns(
    since: Annotated[
        str, typer.Option(help="A span before now (90m, 24h, 7d) or an ISO time.")
    ] = "24h",
    as_json: Annotated[bool, typer.Option("--json", help="Print the alerts as JSON.")] = False,
) -> None:
    """Patterns across conversations: volume spikes, new questions not understood, repeated
    scam details (open alerts, and closed ones last seen since --since)."""
    from resolution_agent.agent.patterns.cli import show_patterns

    typer.echo(show_patterns(_settings(), since=since, as_json=as_json))


storage = typer.Typer(
    no_args_is_help=True,
    help="The agent's stored conversations: prune old checkpoints, check the SQLite files.",
)
app.add_typer(storage, name="storage")


@storage.command("prune")
def storage_prune(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Delete superseded checkpoints, and conversations idle past the retention days.

    ``resolve serve`` does the same every RESOLVE_CHECKPOINT_PRUNE_INTERVAL_S.
    """
    from resolution_agent.agent.storage.retention import prune_storage

    settings = _settings()
    report = asyncio.run(prune_storage(settings))
    if as_json:
        typer.echo(report.model_dump_json())
        return
    typer.echo(
        f"{report.conversations} conversations ({report.backend}): "
        f"{report.checkpoints_deleted} checkpoints deleted, {report.checkpoints_after} kept"
    )
    days = settings.checkpoint_retention_days
    if days is None:
        typer.echo("no conversation deleted: RESOLVE_CHECKPOINT_RETENTION_DAYS is unset")
    else:
        typer.echo(
            f"{report.conversations_deleted} conversations idle over {days} days deleted; "
            f"{report.kept_for_open_cases} kept for their open case"
        )


@storage.command("check")
def storage_check() -> None:
    """Read every page of the embedded SQLite files; name a damaged one and what to run."""
    from resolution_agent.agent.storage.integrity import check_files

    settings = _settings()
    if settings.database_url is not None:
        typer.echo("storage is PostgreSQL (RESOLVE_DATABASE_URL): nothing to check here")
        return
    damaged = 0
    for path, problem in check_files(settings):
        if problem is None:
            typer.echo(f"ok       {path}")
        else:
            damaged += 1
            typer.echo(f"error: {problem}", err=True)
    if damaged:
        raise typer.Exit(1)


@app.command()
def mockbank(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8765,
) -> None:
    """Serve the mock bank on 127.0.0.1 (set RESOLVE_BANK_URL to use it from the agent)."""
    from resolution_agent.agent import extras
    from resolution_agent.agent.ports import check_port_free

    extras.require("serve", "uvicorn", needed_by="resolve mockbank")
    check_port_free("127.0.0.1", port)
    import uvicorn

    from resolution_agent.tools.mockbank import MockBank, create_app, load_seed

    settings = _settings()
    bank = MockBank(load_seed(settings.fixtures_dir, settings.bank_seed))
    typer.echo(f"mock bank ({settings.bank_seed} seed) on http://127.0.0.1:{port}")
    uvicorn.run(create_app(bank), host="127.0.0.1", port=port, log_level="warning", log_config=None)


def _load_plugins() -> None:
    """Commands from other packages (``resolve.commands`` entry points), e.g. ``resolve eval``.

    Entry points keep the import direction of the house: the agent never imports ``evals``;
    the evals package registers its commands here.
    """
    for entry in entry_points(group="resolve.commands"):
        register = entry.load()
        register(app)


def main() -> None:
    _load_plugins()
    app()
