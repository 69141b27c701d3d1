"""The COps console: a small web app over the handoff store (``resolve console``).

It reads and writes the same case store and checkpoints as the agent, through the agent's
async API only, so a case claimed, answered or closed here is exactly what the API returns.
Plain HTML forms (POST then redirect); the one script is the queue page's, which asks for
the queue again every few seconds. Times are the bank's (Europe/London). COps log in (scrypt
password hashes in a file, a signed session cookie); ``resolve console`` serves it on
127.0.0.1 and ``resolve serve`` mounts it at ``/console``.

The names load on first use (PEP 562): ``resolve --help`` imports this package to
register its command and must not pay for what the names pull in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolution_agent.agent.lazy import lazy_names

if TYPE_CHECKING:
    from resolution_agent.agent.console.app import create_console_app
    from resolution_agent.agent.console.context import ConsoleLogin
    from resolution_agent.agent.console.render import render_handoff_html, render_handoff_json
    from resolution_agent.agent.console.settings import ConsoleSettings, console_login

#: Where each public name is defined, and under which name there.
_HOMES: dict[str, tuple[str, str]] = {
    "ConsoleLogin": ("resolution_agent.agent.console.context", "ConsoleLogin"),
    "ConsoleSettings": ("resolution_agent.agent.console.settings", "ConsoleSettings"),
    "console_login": ("resolution_agent.agent.console.settings", "console_login"),
    "create_console_app": ("resolution_agent.agent.console.app", "create_console_app"),
    "render_handoff_html": ("resolution_agent.agent.console.render", "render_handoff_html"),
    "render_handoff_json": ("resolution_agent.agent.console.render", "render_handoff_json"),
}


__getattr__, __dir__ = lazy_names(__name__, _HOMES, globals())


__all__ = [
    "ConsoleLogin",
    "ConsoleSettings",
    "console_login",
    "create_console_app",
    "render_handoff_html",
    "render_handoff_json",
]
