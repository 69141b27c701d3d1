"""How long ``resolve --help`` takes, beside a bare Python start measured in the same run.

Runs each command ``--runs`` times, alternating, in fresh processes, and prints the medians
and their ratio. The CLI imports only typer and the standard library until a command runs (a
test pins that list), so the figure is Python's start, typer and the plugins' registration.

    python benchmarks/cli_startup.py [--runs 20]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "resolve --help": [shutil.which("resolve") or "resolve", "--help"],
    "resolve eval --help": [shutil.which("resolve") or "resolve", "eval", "--help"],
}


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, command in COMMANDS.items():
            times[name].append(seconds(command))
    floor = statistics.median(times["python -c pass"])
    print(f"{'command':<22}{'median s':>10}{'max s':>8}{'/ python':>10}  ({args.runs} runs each)")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<22}{median:>10.3f}{max(values):>8.3f}{median / floor:>10.1f}")


if __name__ == "__main__":
    main()
