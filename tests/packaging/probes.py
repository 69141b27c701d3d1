"""Scripts the packaging tests run in a fresh interpreter, and the environment they run in.

A fresh interpreter is the only honest place to ask "does this work without X installed" or
"does the wheel work outside the checkout": this test process has long imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: What each extra installs, as the modules the code imports.
POSTGRES_MODULES = ("psycopg", "psycopg_pool", "langgraph.checkpoint.postgres")
SERVE_MODULES = ("uvicorn",)

#: Prepended to a probe: makes the modules named in ``sys.argv[1]`` (JSON) fail to import,
#: as they would in an install without their extra. Parent packages stay importable.
_WITHOUT = """
import json, sys

class _NotInstalled:
    def __init__(self, names):
        self.names = tuple(names)

    def find_spec(self, fullname, path=None, target=None):
        if any(fullname == n or fullname.startswith(n + ".") for n in self.names):
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None

sys.meta_path.insert(0, _NotInstalled(json.loads(sys.argv.pop(1))))
"""

#: One offline turn through the public API; prints what the test checks as JSON.
OFFLINE_TURN = """
import asyncio, json, sys
from resolution_agent import ResolutionAgent, Settings

async def turn():
    settings = Settings()
    async with ResolutionAgent(settings) as agent:
        reply = await agent.handle_message(
            conversation_id="conv-pack", customer_id="cus_1001", text="I've lost my card"
        )
    return settings, reply

settings, reply = asyncio.run(turn())
optional = ("psycopg", "psycopg_pool", "langgraph.checkpoint.postgres", "uvicorn")
print(json.dumps({
    "package_files": sorted(
        module.__file__
        for name, module in list(sys.modules.items())
        if name.split(".")[0] == "resolution_agent" and getattr(module, "__file__", None)
    ),
    "project_root": str(settings.project_root),
    "sys_path": sys.path,
    "status": reply.status,
    "text": reply.text,
    "actions": [action.tool for action in reply.actions],
    "optional_loaded": sorted(m for m in sys.modules if m.startswith(optional)),
}))
"""

#: Opens the agent and prints the ConfigurationError it stops with (exit 3), if any.
OPEN_AGENT = """
import asyncio
from resolution_agent import ResolutionAgent, Settings
from resolution_agent.agent.errors import ConfigurationError

async def open_agent():
    async with ResolutionAgent(Settings()):
        pass

try:
    asyncio.run(open_agent())
except ConfigurationError as exc:
    print(exc)
    raise SystemExit(3)
"""

#: Imports every module of the package but those named in argv (JSON); prints the failures.
IMPORT_ALL = """
import importlib, json, pkgutil, sys
import resolution_agent

skipped = set(json.loads(sys.argv[1]))
failed = {}
for info in pkgutil.walk_packages(resolution_agent.__path__, "resolution_agent."):
    if info.name not in skipped:
        try:
            importlib.import_module(info.name)
        except Exception as exc:
            failed[info.name] = repr(exc)
print(json.dumps({"failed": failed, "imported": len(sys.modules)}))
"""

#: Runs ``resolve ARGS...`` (the rest of argv) through its entry point's ``main``.
RESOLVE = """
import sys
from resolution_agent.agent.cli import main

sys.argv = ["resolve", *sys.argv[1:]]
main()
"""


def offline_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment without any ``RESOLVE_*`` (the suite's models folder
    included), set for a turn that trains nothing: keyword intents, lexical retrieval."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RESOLVE_")}
    env.pop("PYTHONPATH", None)
    env.update(
        RESOLVE_DATA_DIR=str(data_dir),
        RESOLVE_INTENT_CLASSIFIER="keywords",
        RESOLVE_RETRIEVER="lexical",
        **extra,
    )
    return env


def run_probe(
    script: str,
    *args: str,
    env: dict[str, str],
    cwd: Path,
    without: Sequence[str] = (),
    python: Sequence[str] = (sys.executable,),
) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a fresh interpreter, the modules ``without`` unimportable."""
    code = _WITHOUT + script
    return subprocess.run(
        [*python, "-c", code, json.dumps(list(without)), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def printed_json(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The JSON object a probe printed last, or a failure that shows what went wrong."""
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
