"""Throughput of the eval runner: scenario runs per second, by worker processes and concurrency.

Runs the suite (default the shipped ``resolution_agent/fixtures/scenarios``) cycled until
``--runs`` scenario runs (1,000 by default), graded, once per level (``--workers`` processes,
``--concurrency`` conversations in flight across them). Each level runs in its own child
process, so its peak resident memory (``ru_maxrss``, of the parent and, with workers, of the
largest worker) is its own. The seconds count from the first job handed out to the last
result back, worker start-up included: what ``resolve eval --workers N`` spends on the suite.

``--baseline REV`` measures a git revision as well (checked out into a temporary worktree and
run by its own copy of this benchmark, with this checkout's virtual environment), with
``--baseline-runs`` runs at its in-process concurrency 8, and prints each level's ratio to it.
Prints figures; asserts nothing about time.

    python benchmarks/eval_throughput.py [PATH ...] [--runs 1000] [--workers 1 2]
        [--concurrency 8] [--baseline REV] [--baseline-runs 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from resolution_agent.agent.settings import PROJECT_ROOT, Settings
from resolution_agent.evals.loader import load_suite
from resolution_agent.evals.runner import Job
from resolution_agent.evals.suite import run_jobs

DEFAULT_SUITE = PROJECT_ROOT / "fixtures" / "scenarios"
ROOT = Path(__file__).resolve().parent.parent


def peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory of this process or its largest waited-for child (Linux: KiB)."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


async def measure(paths: list[Path], runs: int, workers: int, concurrency: int) -> dict[str, float]:
    """Run ``runs`` scenario runs with ``workers`` processes and return the figures."""
    scenarios = load_suite(paths)
    if not scenarios:
        raise SystemExit(f"no scenarios under {', '.join(map(str, paths))}; pass a path")
    count = len(scenarios)
    jobs = [Job(scenarios[i % count], i // count) for i in range(runs)]
    started, cpu = time.perf_counter(), cpu_seconds()
    results = await run_jobs(scenarios, jobs, Settings(), concurrency=concurrency, workers=workers)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return {
        "workers": workers,
        "concurrency": concurrency,
        "scenarios": count,
        "runs": runs,
        "passed": sum(1 for result in results if result.passed),
        "errors": sum(1 for result in results if result.error is not None),
        "seconds": seconds,
        "per_second": runs / seconds,
        "cpu_ms_per_run": cpu * 1000 / runs,
        "peak_rss_mib": peak_rss_mib(),
        "worker_peak_rss_mib": peak_rss_mib(resource.RUSAGE_CHILDREN),
    }


def cpu_seconds() -> float:
    """CPU time of this process and its ended children (the workers, once the pool is shut)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child(command: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """Run one level in a fresh interpreter and read back its JSON line."""
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def baseline(revision: str, paths: list[Path], runs: int) -> dict[str, float]:
    """This benchmark of ``revision``, in-process at concurrency 8 (what it did before workers)."""
    with tempfile.TemporaryDirectory(prefix="resolve-bench-") as folder:
        tree = Path(folder) / "tree"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-f", str(tree), revision],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            script = tree / "benchmarks" / "eval_throughput.py"
            command = [sys.executable, str(script), *map(str, paths), "--runs", str(runs)]
            figures = child([*command, "--child", "8"], env={**os.environ, "PYTHONPATH": str(tree)})
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False
            )
    figures.setdefault("workers", 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_SUITE])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, os.cpu_count() or 1])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--baseline", default=None, help="a git revision to measure as well")
    parser.add_argument("--baseline-runs", type=int, default=200)
    # A level's child: --child-workers N; --child C is one process at concurrency C, as the
    # child of this benchmark before workers existed took it (so --baseline reads either).
    parser.add_argument("--child-workers", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    paths: list[Path] = args.paths or [DEFAULT_SUITE]
    if args.child is not None or args.child_workers is not None:
        workers, concurrency = args.child_workers or 1, args.child or args.concurrency
        print(json.dumps(asyncio.run(measure(paths, args.runs, workers, concurrency))))
        return
    before = None
    if args.baseline is not None:
        before = baseline(args.baseline, paths, args.baseline_runs)
    command = [sys.executable, __file__, *map(str, paths), "--runs", str(args.runs)]
    command += ["--concurrency", str(args.concurrency)]
    results = [child([*command, "--child-workers", str(n)]) for n in args.workers]
    first = results[0]
    print(
        f"eval runner: {first['runs']:.0f} scenario runs of a {first['scenarios']:.0f}-scenario "
        f"suite ({', '.join(map(str, paths))}), graded, concurrency {args.concurrency}"
    )
    print(
        f"{'':>10}{'workers':>8}{'runs':>6}{'runs/s':>8}{'seconds':>9}{'CPU ms/run':>11}"
        f"{'passed':>8}{'errors':>8}{'peak MiB':>10}{'worker MiB':>11}"
    )
    rows = [("before", before)] if before is not None else []
    rows += [("after", r) for r in results]
    for label, r in rows:
        print(
            f"{label:>10}{r['workers']:>8.0f}{r['runs']:>6.0f}{r['per_second']:>8.1f}"
            f"{r['seconds']:>9.2f}{r.get('cpu_ms_per_run', float('nan')):>11.1f}"
            f"{r['passed']:>8.0f}{r.get('errors', 0):>8.0f}"
            f"{r['peak_rss_mib']:>10.1f}{r.get('worker_peak_rss_mib', 0):>11.1f}"
        )
    last = results[-1]
    print(
        f"{last['workers']:.0f} workers vs 1: {last['per_second'] / first['per_second']:.2f}x "
        f"runs/s; {last['runs']:.0f} runs in {last['seconds']:.1f} s"
    )
    if before is not None:
        for r in results:
            print(
                f"{r['workers']:.0f} workers vs {args.baseline} (in-process, concurrency 8): "
                f"{r['per_second'] / before['per_second']:.2f}x runs/s"
            )


if __name__ == "__main__":
    main()
