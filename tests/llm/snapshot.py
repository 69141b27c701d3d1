"""File snapshots in tests/llm/snapshots/: compare, or rewrite with RESOLVE_UPDATE_SNAPSHOTS=1.

A missing or different snapshot fails with a diff; review the diff, then update on purpose.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

SNAPSHOTS = Path(__file__).parent / "snapshots"


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value if value.endswith("\n") else value + "\n"
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def assert_snapshot(name: str, value: Any) -> None:
    path = SNAPSHOTS / name
    actual = _text(value)
    if os.environ.get("RESOLVE_UPDATE_SNAPSHOTS") == "1":
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        raise AssertionError(f"no snapshot {name}; run with RESOLVE_UPDATE_SNAPSHOTS=1 to write it")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                f"snapshots/{name}",
                "actual",
            )
        )
        raise AssertionError(f"snapshot {name} differs:\n{diff}")
