"""``resolve eval``: registered on the agent's CLI through the ``resolve.commands`` entry point."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the eval commands to ``app`` (filled by the eval suite)."""
    del app
