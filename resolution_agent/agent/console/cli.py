"""``resolve console``: registered on the agent's CLI through the ``resolve.commands`` entry point.

The console has no login, so it only ever listens on 127.0.0.1; there is no ``--host``.
"""

from __future__ import annotations

from typing import Annotated

import typer

HOST = "127.0.0.1"
DEFAULT_PORT = 8780


def register(app: typer.Typer) -> None:
    """Add ``console`` to ``app``."""

    @app.command()
    def console(
        port: Annotated[int, typer.Option(help="Port on 127.0.0.1.", min=1, max=65535)] = (
            DEFAULT_PORT
        ),
    ) -> None:
        """Serve the COps console on 127.0.0.1: the queue, claim, reply and close cases."""
        import uvicorn

        from resolution_agent.agent.api import ResolutionAgent
        from resolution_agent.agent.console.app import create_console_app
        from resolution_agent.agent.errors import ResolveError
        from resolution_agent.agent.settings import load_settings

        try:
            settings = load_settings()
            web = create_console_app(ResolutionAgent(settings), open_agent=True)
        except (ResolveError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        typer.echo(f"COps console on http://{HOST}:{port} (cases in {settings.data_dir})")
        uvicorn.run(web, host=HOST, port=port, log_level="warning", log_config=None)
