"""``resolve console`` and ``resolve console add-cop``: registered through ``resolve.commands``.

``resolve console`` serves the console on 127.0.0.1 only (there is no ``--host``; ``resolve
serve`` mounts it at ``/console`` for other addresses). COps log in with the passwords that
``add-cop`` writes; with no credentials file it is the demo login (:mod:`agent.console.settings`),
whose password is printed here once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from resolution_agent.agent.console.settings import LoginSetup

HOST = "127.0.0.1"
DEFAULT_PORT = 8780


def announce_demo(setup: LoginSetup, url: str) -> None:
    """Print the demo login once, on stderr (it is never written anywhere else)."""
    if setup.demo_password is None:
        return
    typer.echo(
        f"demo login at {url}/login, for this run only: any COp on the roster "
        f"({', '.join(setup.demo_cops)}) with password {setup.demo_password}\n"
        "  (add real COps with `resolve console add-cop COP_ID`)",
        err=True,
    )


def register(app: typer.Typer) -> None:
    """Add ``console`` (serve) and ``console add-cop`` to ``app``."""
    group = typer.Typer(
        help="The COps console: with no command, serve it on 127.0.0.1; add-cop adds a login."
    )
    app.add_typer(group, name="console")

    @group.callback(invoke_without_command=True)
    def console(
        context: typer.Context,
        port: Annotated[int, typer.Option(help="Port on 127.0.0.1.", min=1, max=65535)] = (
            DEFAULT_PORT
        ),
    ) -> None:
        """Serve the COps console on 127.0.0.1: log in, the queue, claim, reply and close cases."""
        if context.invoked_subcommand is not None:
            return
        from resolution_agent.agent import extras
        from resolution_agent.agent.api import ResolutionAgent
        from resolution_agent.agent.console.app import create_console_app
        from resolution_agent.agent.console.settings import ConsoleSettings, console_login
        from resolution_agent.agent.errors import ResolveError
        from resolution_agent.agent.ports import check_port_free
        from resolution_agent.agent.settings import load_settings
        from resolution_agent.agent.storage import check_backend_installed

        try:
            extras.require("serve", "uvicorn", needed_by="resolve console")
            check_port_free(HOST, port)
            settings = load_settings()
            check_backend_installed(settings)  # the agent opens inside the server's lifespan
            setup = console_login(ConsoleSettings(), settings, host=HOST)
            web = create_console_app(ResolutionAgent(settings), setup.login, open_agent=True)
        except (ResolveError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        import uvicorn

        url = f"http://{HOST}:{port}"
        typer.echo(f"COps console on {url} (cases in {settings.data_dir})")
        announce_demo(setup, url)
        uvicorn.run(web, host=HOST, port=port, log_level="warning", log_config=None)

    @group.command("add-cop")
    def add_cop(
        cop_id: Annotated[str, typer.Argument(help="The COp's id, as on the roster.")],
        password: Annotated[
            str,
            typer.Option(
                prompt=True,
                hide_input=True,
                confirmation_prompt=True,
                help="Asked for when not given (never put it on a shared command line).",
            ),
        ],
    ) -> None:
        """Add a COp's console login, or change their password (RESOLVE_CONSOLE_CREDENTIALS)."""
        from resolution_agent.agent.console.credentials import add_credential
        from resolution_agent.agent.console.settings import ConsoleSettings
        from resolution_agent.agent.errors import ResolveError
        from resolution_agent.agent.settings import load_settings

        try:
            path = ConsoleSettings().credentials_file(load_settings())
            added = add_credential(path, cop_id, password)
        except (ResolveError, ValueError, OSError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        typer.echo(f"{'added' if added else 'changed the password of'} {cop_id} in {path}")
