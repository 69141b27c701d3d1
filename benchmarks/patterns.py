"""Pattern detection on a simulated fortnight: planted incidents found, how fast, at what cost.

A seeded stream (``agent.patterns.simulation``): a learning week of ordinary traffic, then a
week with ten planted incidents of five kinds (merchant outage, app login failure, new scam
script, card-delivery delay in one region, fee change that confuses customers). The detectors
(``PAT-VOLUME-SPIKE``, ``PAT-NEW-CLUSTER``, ``PAT-SCAM-REPEAT``) and the fixed-threshold
yardstick run over the same stream. Reported per kind: incidents found, found within 30
simulated minutes, minutes to detect; then precision and false alerts per simulated day;
throughput (turns per second, and simulated time over wall time, on one core) and the
detectors' peak memory (tracemalloc, in a second run).

The not-understood texts come from templates: each distinct text is embedded once with MiniLM
before the run (its time is printed apart) and looked up during it.

    python benchmarks/patterns.py [--quick] [--seed N]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from datetime import timedelta

from resolution_agent.agent.patterns.fixed import FixedThresholds
from resolution_agent.agent.patterns.replay import Replay, TableEncoder, replay
from resolution_agent.agent.patterns.scoring import Score, score
from resolution_agent.agent.patterns.service import default_detectors
from resolution_agent.agent.patterns.simulation import SimulationConfig, simulate
from resolution_agent.agent.understanding.classifier.embedding import shared_encoder


def _minutes(values: tuple[float, ...]) -> str:
    return ", ".join(f"{m:g}" for m in values) or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small stream (a few seconds)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    config = (
        SimulationConfig(seed=args.seed, warmup_days=2, per_day=8_000)
        if args.quick
        else SimulationConfig(seed=args.seed)
    )

    started = time.perf_counter()
    sim = simulate(config)
    generated = time.perf_counter() - started
    print(
        f"stream: {sim.size:,} turns over {config.warmup_days} learning + {config.days} "
        f"measured days ({sim.measured_size:,} measured; seed {config.seed}), "
        f"{len(sim.incidents)} planted incidents; "
        f"generated in {generated:.1f} s"
    )
    encoder = TableEncoder(shared_encoder(), sim.texts)
    print(
        f"embedding: {encoder.size} distinct not-understood texts, once, in {encoder.seconds:.1f} s"
    )

    ours = replay(sim, default_detectors(encoder))
    fixed = replay(sim, [FixedThresholds()])
    ours_score, fixed_score = score(ours.alerts, sim), score(fixed.alerts, sim)

    print()
    print(f"{'':24}{'detectors':>38}   {'fixed threshold':>38}")
    print(
        f"{'kind':<24}{'found':>8}{'<=30min':>9}{'minutes to detect':>21}   "
        f"{'found':>8}{'<=30min':>9}{'minutes to detect':>21}"
    )
    for a, b in zip(ours_score.kinds, fixed_score.kinds, strict=True):
        print(
            f"{a.kind:<24}{a.found:>5}/{a.planted:<2}{a.found_in_time:>6}/{a.planted:<2}"
            f"{_minutes(a.minutes_to_detect):>21}   "
            f"{b.found:>5}/{b.planted:<2}{b.found_in_time:>6}/{b.planted:<2}"
            f"{_minutes(b.minutes_to_detect):>21}"
        )
    for name, s in (("detectors", ours_score), ("fixed threshold", fixed_score)):
        _summary(name, s)
    for subject in ours_score.false_subjects:
        print(f"  false alert: {subject}")

    print()
    for name, run in (("detectors", ours), ("fixed threshold", fixed)):
        _throughput(name, run, sim.end - sim.config.start)
    tracemalloc.start()
    replay(sim, default_detectors(encoder))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak memory of the detectors (tracemalloc, a second run): {peak / 2**20:.1f} MiB")


def _summary(name: str, s: Score) -> None:
    print(
        f"{name}: {s.alerts} alerts, {s.true_alerts} on planted incidents, precision "
        f"{s.precision:.3f}; {s.false_alerts} false ({s.false_per_day:.2f} per simulated day); "
        f"every incident within 30 min: {'yes' if s.all_found_in_time else 'no'}"
    )


def _throughput(name: str, run: Replay, simulated: timedelta) -> None:
    seconds = simulated.total_seconds()
    print(
        f"{name}: {run.events:,} turns in {run.seconds:.1f} s = {run.per_second:,.0f} turns/s, "
        f"{seconds / run.seconds:,.0f}x real time (one core, turns built as they are read)"
    )


if __name__ == "__main__":
    main()
