"""Throughput of the eval runner: scenario runs per second and peak memory, by concurrency.

Runs the suite (default the shipped ``resolution_agent/fixtures/scenarios``) cycled until
``--runs`` scenario runs (1,000 by default), graded, once per concurrency level. Each level
runs in its own child process so its peak resident memory (``ru_maxrss``) is its own, not
the high-water mark of an earlier level.
Prints figures and the ratio of the last level to the first; asserts nothing about time.

    python benchmarks/eval_throughput.py [PATH ...] [--runs 1000] [--concurrency 1 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from resolution_agent.agent.settings import PROJECT_ROOT, Settings
from resolution_agent.evals.loader import load_suite
from resolution_agent.evals.metrics import grade
from resolution_agent.evals.runner import Job, SuiteRunner

DEFAULT_SUITE = PROJECT_ROOT / "fixtures" / "scenarios"


def peak_rss_mib() -> float:
    """This process's peak resident memory (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


async def measure(paths: list[Path], runs: int, concurrency: int) -> dict[str, float]:
    """Run ``runs`` scenario runs at ``concurrency`` and return the figures."""
    scenarios = load_suite(paths)
    if not scenarios:
        raise SystemExit(f"no scenarios under {', '.join(map(str, paths))}; pass a path")
    count = len(scenarios)
    jobs = [Job(scenarios[i % count], i // count) for i in range(runs)]
    runner = SuiteRunner(Settings(), scenarios)
    before = peak_rss_mib()
    started = time.perf_counter()
    results = await runner.run(jobs, grade, concurrency=concurrency)
    passed = sum(1 for result in results if result.passed)
    seconds = time.perf_counter() - started
    return {
        "concurrency": concurrency,
        "scenarios": count,
        "runs": runs,
        "passed": passed,
        "seconds": seconds,
        "per_second": runs / seconds,
        "peak_rss_mib": peak_rss_mib(),
        "setup_rss_mib": before,
    }


def child(paths: list[Path], runs: int, concurrency: int) -> dict[str, float]:
    """Measure one level in a fresh interpreter and read back its JSON line."""
    command = [sys.executable, __file__, *map(str, paths), "--runs", str(runs)]
    command += ["--child", str(concurrency)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"level {concurrency} failed:\n{done.stderr}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_SUITE])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    paths: list[Path] = args.paths or [DEFAULT_SUITE]
    if args.child is not None:
        print(json.dumps(asyncio.run(measure(paths, args.runs, args.child))))
        return
    results = [child(paths, args.runs, level) for level in args.concurrency]
    first = results[0]
    print(
        f"eval runner: {first['runs']:.0f} scenario runs of a {first['scenarios']:.0f}-scenario "
        f"suite ({', '.join(map(str, paths))}), graded"
    )
    print(f"{'concurrency':>11}{'runs/s':>10}{'seconds':>10}{'passed':>8}{'peak MiB':>10}")
    for r in results:
        print(
            f"{r['concurrency']:>11.0f}{r['per_second']:>10.1f}{r['seconds']:>10.2f}"
            f"{r['passed']:>8.0f}{r['peak_rss_mib']:>10.1f}"
        )
    last = results[-1]
    print(
        f"concurrency {last['concurrency']:.0f} vs {first['concurrency']:.0f}: "
        f"{last['per_second'] / first['per_second']:.2f}x runs/s, "
        f"{last['peak_rss_mib'] / first['peak_rss_mib']:.2f}x peak memory"
    )


if __name__ == "__main__":
    main()
