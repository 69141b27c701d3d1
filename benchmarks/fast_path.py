"""How many model calls, tokens and dollars the LLM planner's fast path saves on the eval suite.

Runs every scenario of the suite twice through the LLM planner on the simulated model of
``agent.planning.simulated`` (the offline engine answering as a model: deterministic, no
network, tokens estimated from the prompts actually sent): once with the fast path on (a
confident intent that an offline procedure fully handles never calls the model) and once with
it off. Prints model calls, tokens, cost and pass rate for each and the saving (and, for
reference, how many scenarios the offline planner passes on its own); with
``--report DIR`` also writes both eval reports (``DIR/fast-path-on``, ``DIR/fast-path-off``),
model usage per turn and per conversation included. Asserts nothing.

    python benchmarks/fast_path.py [PATH ...] [--concurrency 4] [--report DIR]
        [--price-in 0.4 --price-out 1.6]

Cost is priced at USD per 1M tokens in and out (default: the README's example price table);
the figures scale with it, the call and token counts do not depend on it.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from resolution_agent.agent.planning import Planner
from resolution_agent.agent.planning.llm import LLMPlannerConfig
from resolution_agent.agent.planning.simulated import ENGINE_MODEL, SimulatedPlanner
from resolution_agent.agent.settings import PROJECT_ROOT, Settings
from resolution_agent.evals.report import write_report
from resolution_agent.evals.suite import evaluate
from resolution_agent.evals.summary import Report

DEFAULT_SUITE = PROJECT_ROOT / "fixtures" / "scenarios"


async def run(
    paths: list[Path], *, fast_path: bool | None, concurrency: int, prices: tuple[float, float]
) -> Report:
    """The suite on the simulated model with the fast path on or off; None: the offline planner."""
    if fast_path is None:
        return await evaluate(paths, Settings(model="offline"), concurrency=concurrency)
    config = LLMPlannerConfig(fast_path=fast_path, prices={ENGINE_MODEL: prices})

    def planner() -> Planner:
        return SimulatedPlanner(config)

    label = f"{ENGINE_MODEL}, fast path {'on' if fast_path else 'off'}"
    return await evaluate(
        paths, Settings(), concurrency=concurrency, planner=planner, model_name=label
    )


def row(
    label: str, on: float, off: float, fmt: str, *, saved: bool = True
) -> tuple[str, str, str, str]:
    """A table row: the value with the fast path on, off, and what it saved (and its share)."""
    saving = ""
    if saved:
        share = (off - on) / off if off else 0.0
        saving = f"{format(off - on, fmt)} ({share:.1%})"
    return label, format(on, fmt), format(off, fmt), saving


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_SUITE])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--report", type=Path, default=None, help="write both eval reports here")
    parser.add_argument("--price-in", type=float, default=0.4, help="USD per 1M input tokens")
    parser.add_argument("--price-out", type=float, default=1.6, help="USD per 1M output tokens")
    parser.add_argument(
        "--skip-offline", action="store_true", help="skip the offline planner's reference run"
    )
    args = parser.parse_args()
    prices = (args.price_in, args.price_out)

    reports: dict[str, Report] = {}
    modes: list[tuple[str, bool | None]] = [("on", True), ("off", False)]
    if not args.skip_offline:
        modes.append(("offline", None))
    for mode, fast in modes:
        started = time.perf_counter()
        reports[mode] = asyncio.run(
            run(args.paths, fast_path=fast, concurrency=args.concurrency, prices=prices)
        )
        print(f"{mode}: ran in {time.perf_counter() - started:.1f} s")
        if args.report is not None and fast is not None:
            write_report(reports[mode], args.report / f"fast-path-{mode}", Settings().prompts_dir)

    on, off = reports["on"].metrics, reports["off"].metrics
    print(
        f"\n{reports['on'].scenarios} scenarios, {on.replies} customer turns; simulated model "
        f"{ENGINE_MODEL}, priced at ${prices[0]:g} / ${prices[1]:g} per 1M tokens in / out\n"
    )
    rows = [
        row("scenarios passed", reports["on"].passed, reports["off"].passed, "d", saved=False),
        row("model calls", on.model_calls, off.model_calls, ","),
        row("model calls per turn", on.model_calls_per_turn, off.model_calls_per_turn, ".2f"),
        row("input tokens", on.input_tokens, off.input_tokens, ","),
        row("output tokens", on.output_tokens, off.output_tokens, ","),
        row("tokens", on.tokens, off.tokens, ","),
        row("cost (USD)", on.cost_usd, off.cost_usd, ".4f"),
        row("cost per conversation", on.cost_usd_per_run, off.cost_usd_per_run, ".6f"),
    ]
    print(f"{'':<24}{'fast path on':>14}{'fast path off':>15}   saved by the fast path")
    for label, a, b, saved in rows:
        print(f"{label:<24}{a:>14}{b:>15}   {saved}")
    if "offline" in reports:
        offline = reports["offline"]
        print(f"\nreference, the offline planner (no model): {offline.passed} scenarios passed")
    if args.report is not None:
        print(f"\nreports written under {args.report}/fast-path-on and fast-path-off")


if __name__ == "__main__":
    main()
