"""``resolve serve``: registered on the agent's CLI through the ``resolve.commands`` entry point.

The channels' tokens, the webhook and the address come from ``RESOLVE_SERVICE_*``
(:class:`agent.service.settings.ServiceSettings`); ``--host`` and ``--port`` override them.
"""

from __future__ import annotations

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
        import uvicorn

        from resolution_agent.agent.errors import ResolveError
        from resolution_agent.agent.service.app import create_app
        from resolution_agent.agent.service.settings import ServiceSettings
        from resolution_agent.agent.settings import load_settings

        try:
            settings = load_settings()
            service = ServiceSettings()
            web = create_app(settings, service=service)
        except (ResolveError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        if not service.channel_tokens:
            typer.echo(
                "warning: RESOLVE_SERVICE_CHANNEL_TOKENS is empty; every channel request gets 401",
                err=True,
            )
        bind_host = host or service.host
        bind_port = port or service.port
        typer.echo(f"resolve service on http://{bind_host}:{bind_port}")
        # log_config=None: uvicorn's records go through our root handler, which redacts.
        uvicorn.run(web, host=bind_host, port=bind_port, log_config=None)
