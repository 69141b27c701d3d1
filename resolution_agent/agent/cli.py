"""The ``resolve`` command line: demo, chat, mockbank (more commands join as they land).

Only typer and the standard library are imported here, and each plugin's ``register`` keeps
to the same rule: a command imports what it needs (LangGraph, the model SDKs, scikit-learn)
when it runs, so ``resolve --help`` answers at once.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from importlib.metadata import PackageNotFoundError, entry_points, version
from typing import TYPE_CHECKING, Annotated, Literal

import typer

if TYPE_CHECKING:
    from resolution_agent.agent.settings import Settings

IdentityChoice = Literal["none", "app_authenticated", "step_up"]
DISTRIBUTION = "resolution-agent"

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Kestrel resolution agent: offline by default."
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
    from resolution_agent.agent.settings import SettingsError, load_settings

    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


@app.command()
def demo() -> None:
    """Run scripted conversations on the offline default and print them."""
    from resolution_agent.agent.demo import run_demo
    from resolution_agent.agent.errors import ResolveError
    from resolution_agent.tools.mockbank.seed import DEFAULT_CLOCK

    settings = _settings()
    if settings.clock is None:
        # Dates in the seed bank are relative to its clock; keep the demo's "now" beside them.
        settings = settings.model_copy(update={"clock": DEFAULT_CLOCK})
    try:
        count = asyncio.run(run_demo(settings, typer.echo))
    except ResolveError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"\n{count} demo conversations run. Checkpoints in {settings.checkpoint_file}.")


@app.command()
def chat(
    customer: Annotated[str, typer.Option("--customer", help="Customer id, e.g. cus_1001.")],
    conversation: Annotated[str | None, typer.Option(help="Resume this conversation id.")] = None,
    identity: Annotated[IdentityChoice, typer.Option(help="What the channel vouches for.")] = (
        "app_authenticated"
    ),
) -> None:
    """Chat with the agent in the terminal (Ctrl-D or 'quit' to leave)."""
    from resolution_agent.agent.api import ResolutionAgent
    from resolution_agent.agent.errors import ResolveError

    conversation_id = conversation or f"chat-{uuid.uuid4().hex[:12]}"

    async def loop() -> None:
        async with ResolutionAgent(_settings()) as agent:
            typer.echo(f"conversation {conversation_id} as {customer}; 'quit' to leave")
            while True:
                try:
                    text = await asyncio.to_thread(input, "you> ")
                except EOFError:
                    return
                if text.strip().lower() in ("quit", "exit"):
                    return
                reply = await agent.handle_message(
                    conversation_id, customer, text, identity=identity
                )
                typer.echo(f"agent> {reply.text}")
                for action in reply.actions:
                    typer.echo(f"       · {action.tool} -> {action.outcome}")
                if reply.handoff is not None:
                    typer.echo(
                        f"       [handed off to {reply.handoff.queue}, {reply.handoff.priority}]"
                    )

    try:
        asyncio.run(loop())
    except ResolveError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc


@app.command()
def audit(
    conversation_id: Annotated[str, typer.Argument(help="The conversation to export.")],
) -> None:
    """Export a conversation's audit trail as JSON lines (guard decisions, tool calls ...)."""
    from resolution_agent.agent.api import ResolutionAgent
    from resolution_agent.agent.errors import ResolveError

    async def export() -> None:
        async with ResolutionAgent(_settings()) as agent:
            for event in await agent.audit_events(conversation_id):
                typer.echo(event.model_dump_json())

    try:
        asyncio.run(export())
    except ResolveError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc


@app.command()
def mockbank(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8765,
) -> None:
    """Serve the mock bank on 127.0.0.1 (set RESOLVE_BANK_URL to use it from the agent)."""
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
    try:
        app()
    except Exception as exc:
        # Imported only now: the error types load the tools package, which --help never needs.
        from resolution_agent.agent.errors import ResolveError

        if not isinstance(exc, ResolveError):
            raise
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
