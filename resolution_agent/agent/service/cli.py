"""``resolve serve``: registered on the agent's CLI through the ``resolve.commands`` entry point.

The channels' tokens, the webhook and the address come from ``RESOLVE_SERVICE_*``
(:class:`agent.service.settings.ServiceSettings`); ``--host`` and ``--port`` override them.
The COps console is mounted at ``/console`` (logins from ``RESOLVE_CONSOLE_*``; the demo
login's password is printed once when it is the demo login) unless RESOLVE_SERVICE_CONSOLE
is false.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app``."""

    @app.command()
    def serve(
        host: Annotated[
            str | None, typer.Option(help="Address to listen on [RESOLVE_SERVICE_HOST].")
        ] = None,
        port: Annotated[
            int | None,
            typer.Option(help="Port to listen on [RESOLVE_SERVICE_PORT].", min=1, max=65535),
        ] = None,
    ) -> None:
        """Serve the agent to chat channels: messages, streams, conversations, outbox, webhook."""
        from resolution_agent.agent import extras
        from resolution_agent.agent.api import ResolutionAgent
        from resolution_agent.agent.console.cli import announce_demo
        from resolution_agent.agent.console.settings import ConsoleSettings, console_login
        from resolution_agent.agent.errors import ResolveError
        from resolution_agent.agent.ports import check_port_free
        from resolution_agent.agent.service.app import create_app
        from resolution_agent.agent.service.settings import ServiceSettings
        from resolution_agent.agent.settings import load_settings
        from resolution_agent.agent.storage import check_backend_installed

        try:
            extras.require("serve", "uvicorn", needed_by="resolve serve")
            settings = load_settings()
            # A missing driver fails here, before anything opens.
            check_backend_installed(settings)
            service = ServiceSettings()
            if host:  # the console and the demo chat depend on the address: set it first
                service = service.model_copy(update={"host": host})
            check_port_free(
                service.host, port or service.port, choose="--port (or RESOLVE_SERVICE_PORT)"
            )
            setup = (
                console_login(ConsoleSettings(), settings, host=service.host)
                if service.console
                else None
            )
            # Opened here, not in the server's lifespan: a damaged file or model then stops
            # start-up with the CLI's one-line error instead of uvicorn's traceback.
            agent = ResolutionAgent(settings)
            web = create_app(
                settings,
                agent=agent,
                service=service,
                console=setup.login if setup is not None else None,
            )
        except (ResolveError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        if not service.channel_tokens:
            typer.echo(
                "warning: RESOLVE_SERVICE_CHANNEL_TOKENS is empty; every channel request gets 401",
                err=True,
            )
        import uvicorn

        bind_host = service.host
        bind_port = port or service.port
        typer.echo(f"resolve service on http://{bind_host}:{bind_port}")
        if setup is not None:
            announce_demo(setup, f"http://{bind_host}:{bind_port}/console")
        # log_config=None: uvicorn's records go through our root handler, which redacts.
        server = uvicorn.Server(
            uvicorn.Config(web, host=bind_host, port=bind_port, log_config=None)
        )

        async def run() -> bool:
            async with agent:
                await server.serve()
            return server.started

        if not asyncio.run(run()):
            raise typer.Exit(3)  # as uvicorn.run: the server did not start
