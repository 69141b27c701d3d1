"""The ``resolve`` command line: demo, chat, mockbank (more commands join as they land)."""

from __future__ import annotations

import asyncio
import sys
import uuid
from typing import Annotated, Literal

import typer

from agent.errors import ResolveError
from agent.settings import Settings, SettingsError, load_settings

IdentityChoice = Literal["none", "app_authenticated", "step_up"]

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Kestrel resolution agent: offline by default."
)


def _settings(**overrides: object) -> Settings:
    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


@app.command()
def demo() -> None:
    """Run scripted conversations on the offline default and print them."""
    from agent.demo import run_demo
    from tools.mockbank.seed import DEFAULT_CLOCK

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
    from agent.api import ResolutionAgent

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
    from agent.api import ResolutionAgent

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

    from tools.mockbank import MockBank, create_app, load_seed

    settings = _settings()
    bank = MockBank(load_seed(settings.fixtures_dir, settings.bank_seed))
    typer.echo(f"mock bank ({settings.bank_seed} seed) on http://127.0.0.1:{port}")
    uvicorn.run(create_app(bank), host="127.0.0.1", port=port, log_level="warning")


def _load_plugins() -> None:
    """Commands from other packages (``resolve.commands`` entry points), e.g. ``resolve eval``.

    Entry points keep the import direction of the house: the agent never imports ``evals``;
    the evals package registers its commands here.
    """
    from importlib.metadata import entry_points

    for entry in entry_points(group="resolve.commands"):
        register = entry.load()
        register(app)


def main() -> None:
    _load_plugins()
    try:
        app()
    except ResolveError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
