"""``resolve`` starts light: no model SDK, graph or ML library before a command runs.

Each check runs in a fresh interpreter, since this test process has long imported them all.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from typing import TypedDict

import pytest

#: Libraries only a running command may import (each costs a second or more at start-up).
HEAVY = (
    "langgraph",
    "openai",
    "anthropic",
    "sklearn",
    "scipy",
    "torch",
    "chromadb",
    "sentence_transformers",
)
PLUGINS = {"eval", "redteam", "console", "routing", "intents", "kb"}

_PROBE = """
import contextlib, io, json, sys

from resolution_agent.agent.cli import app, main

heavy_names = json.loads(sys.argv[1])
sys.argv = ["resolve", *sys.argv[2:]]
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
commands = [c.name or c.callback.__name__ for c in app.registered_commands]
groups = [g.name for g in app.registered_groups]
heavy = sorted(name for name in heavy_names if name in sys.modules)
print(json.dumps({"code": code, "out": out.getvalue(), "names": commands + groups, "heavy": heavy}))
"""


class Seen(TypedDict):
    code: int | str | None
    out: str
    names: list[str]
    heavy: list[str]


def _resolve(*args: str) -> Seen:
    """Run ``resolve ARGS`` through its entry point in a fresh interpreter; what it loaded."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(HEAVY), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: Seen = json.loads(done.stdout.splitlines()[-1])
    return result


@pytest.mark.parametrize("args", [("--help",), ("eval", "--help"), ("kb", "--help")])
def test_help_registers_every_command_without_importing_heavy_libraries(
    args: tuple[str, ...],
) -> None:
    seen = _resolve(*args)

    assert seen["code"] == 0, seen["out"]
    assert set(seen["names"]) >= PLUGINS, seen["names"]
    assert seen["heavy"] == []


def test_version_prints_the_installed_distribution_version_and_exits_0() -> None:
    seen = _resolve("--version")

    assert seen["code"] == 0
    assert seen["out"] == f"resolve {version('resolution-agent')}\n"
    assert seen["heavy"] == []
