"""The COps console: a small web app over the handoff store (``resolve console``).

It reads and writes the same case store and checkpoints as the agent, through the agent's
async API only, so a case claimed, answered or closed here is exactly what the API returns.
Plain HTML forms (POST then redirect), no JavaScript, served on 127.0.0.1.
"""

from agent.console.app import create_console_app
from agent.console.render import render_handoff_html, render_handoff_json

__all__ = ["create_console_app", "render_handoff_html", "render_handoff_json"]
