"""Where an eval run came from: the git commit of the code, and which planner ran.

A report read weeks later is only worth comparing with another when both say what ran. The
commit is that of the checkout holding the package (an editable install, CI); an installed
copy, or a package folder that git does not track, has none, and the report says so rather
than naming the commit of whatever repository happens to hold the virtual environment.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from resolution_agent.agent.settings import SIMULATED_MODEL, Settings

_GIT_TIMEOUT_S = 5.0


def git_commit(folder: Path) -> str | None:
    """The checkout's commit (12 hex digits, ``-dirty`` with uncommitted changes), else None."""

    def git(*args: str) -> subprocess.CompletedProcess[str] | None:
        try:
            return subprocess.run(
                ["git", "-C", str(folder), *args],
                capture_output=True,
                text=True,
                timeout=_GIT_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):  # no git, or one that hangs
            return None

    tracked = git("ls-files", "--error-unmatch", "--", "__init__.py")
    head = git("rev-parse", "--short=12", "HEAD") if tracked and tracked.returncode == 0 else None
    if head is None or head.returncode != 0 or not head.stdout.strip():
        return None
    changes = git("status", "--porcelain", "--untracked-files=no")
    dirty = changes is not None and changes.returncode == 0 and bool(changes.stdout.strip())
    return head.stdout.strip() + ("-dirty" if dirty else "")


def planner_kind(settings: Settings, model_name: str | None) -> str:
    """``offline``, ``llm``, ``simulated`` or ``compromised``: the planner a run used."""
    if model_name == "compromised":
        return "compromised"
    spec = model_name or settings.planner_model()
    if spec is None or spec.strip().lower() == "offline":
        return "offline"
    return "simulated" if spec.strip().lower() == SIMULATED_MODEL else "llm"


__all__ = ["git_commit", "planner_kind"]
