"""The eval and red-team suites against a hostile model on a real socket.

The agent plans with the real OpenAI SDK client pointed at ``agent.testing.HostileServer``,
behaviour by behaviour; the measuring (and what each column means) is
``resolution_agent.evals.layers.hostile_model``, shared with ``resolve redteam
--hostile-server N``; this prints it, a row as each finishes.

By default ``chaos`` runs over both full suites and every other behaviour over a fixed subset
of each suite (every k-th scenario, ``--per-behaviour`` of them); ``--per-behaviour 0`` runs
the full suites under every behaviour (slow: about a scenario a second on two cores).

    python benchmarks/hostile_model.py [--behaviour chaos ...] [--per-behaviour 20] [--json]
        [--model-timeout 1.0] [--time-limit 60] [--concurrency 8] [--fast-path]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from resolution_agent.agent.settings import load_settings
from resolution_agent.agent.testing import BEHAVIOURS, Behaviour
from resolution_agent.evals.layers.hostile_model import (
    HEADER,
    MODEL_TIMEOUT_S,
    PER_BEHAVIOUR,
    HostileRow,
    measure_hostile_model,
    row_line,
    totals_lines,
)
from resolution_agent.evals.redteam_report import RedTeamReport


async def main(args: argparse.Namespace) -> None:
    reports: dict[str, Any] = {}

    def keep(behaviour: Behaviour, report: RedTeamReport) -> None:
        reports[behaviour] = report.model_dump(mode="json")

    def show(row: HostileRow) -> None:
        if not args.json:
            print(row_line(row), flush=True)

    if not args.json:
        print(HEADER, flush=True)
    figures = await measure_hostile_model(
        load_settings(),
        behaviours=args.behaviour or BEHAVIOURS,
        per_behaviour=args.per_behaviour,
        model_timeout_s=args.model_timeout,
        time_limit_s=args.time_limit,
        concurrency=args.concurrency,
        fast_path=args.fast_path,
        on_row=show,
        on_report=keep,
    )
    if args.json:
        rows = [row.model_dump(mode="json") for row in figures.rows]
        print(json.dumps({"rows": rows, "redteam": reports}, indent=2))
        return
    print("\n" + "\n".join(totals_lines(figures)))


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--behaviour", action="append", choices=BEHAVIOURS, help="Only these (repeatable)."
    )
    parser.add_argument(
        "--per-behaviour",
        type=int,
        default=PER_BEHAVIOUR,
        help="Scenarios of each suite per behaviour other than chaos (0: the full suites).",
    )
    parser.add_argument(
        "--model-timeout", type=float, default=MODEL_TIMEOUT_S, help="Model timeout, s."
    )
    parser.add_argument("--time-limit", type=float, default=60.0, help="Per scenario run, s.")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--fast-path", action="store_true", help="Keep the LLM fast path on.")
    parser.add_argument("--json", action="store_true", help="Rows and red-team reports as JSON.")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
