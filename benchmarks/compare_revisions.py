"""Turn latency of two revisions of this repository, measured in one run, as a ratio.

A refactor that must not slow the agent down is judged by the median offline turn of the old
and the new revision on the same machine at the same time: each revision is checked out into
a temporary git worktree and ``benchmarks/turn_latency.py`` runs in it (with this checkout's
virtual environment) in alternation, ``--rounds`` times, so drift in the machine's load falls
on both alike. Prints each round's medians, then the median of the rounds and the ratio.

    python benchmarks/compare_revisions.py BASE [HEAD] [--rounds 3] [--turns 100]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_ROW = re.compile(r"^(memory|sqlite)\s+([\d.]+)\s+([\d.]+)$", re.MULTILINE)


def checkout(revision: str, into: Path) -> Path:
    """A detached worktree of ``revision`` (the caller removes it)."""
    subprocess.run(
        ["git", "worktree", "add", "--detach", "-f", str(into), revision],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return into


def medians(tree: Path, turns: int) -> dict[str, float]:
    """Median ms per checkpointer of one ``turn_latency.py`` run inside ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "benchmarks/turn_latency.py", "--turns", str(turns)],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    found = {name: float(median) for name, median, _ in _ROW.findall(done.stdout)}
    if set(found) != {"memory", "sqlite"}:
        raise SystemExit(f"unexpected output from turn_latency.py in {tree}:\n{done.stdout}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the old revision (e.g. a commit or tag)")
    parser.add_argument("head", nargs="?", default="HEAD", help="the new revision")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--turns", type=int, default=100)
    args = parser.parse_args()
    runs: dict[str, dict[str, list[float]]] = {
        r: {"memory": [], "sqlite": []} for r in ("base", "head")
    }
    with tempfile.TemporaryDirectory() as tmp:
        trees = {
            "base": checkout(args.base, Path(tmp) / "base"),
            "head": checkout(args.head, Path(tmp) / "head"),
        }
        try:
            for round_no in range(1, args.rounds + 1):
                for which in ("base", "head"):
                    found = medians(trees[which], args.turns)
                    for name, value in found.items():
                        runs[which][name].append(value)
                    print(
                        f"round {round_no} {which:<4} memory {found['memory']:7.2f} ms"
                        f"  sqlite {found['sqlite']:7.2f} ms",
                        flush=True,
                    )
        finally:
            for tree in trees.values():
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(tree)],
                    cwd=ROOT,
                    capture_output=True,
                )
    print(f"\nmedian of {args.rounds} rounds, {args.turns} turns each ({args.base} -> {args.head})")
    for name in ("memory", "sqlite"):
        base = statistics.median(runs["base"][name])
        head = statistics.median(runs["head"][name])
        print(f"{name:<7} base {base:7.2f} ms  head {head:7.2f} ms  head/base {head / base:.3f}")


if __name__ == "__main__":
    main()
