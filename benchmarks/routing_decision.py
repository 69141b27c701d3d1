"""Wall time of one routing decision round: 50,000 waiting cases, 5,000 COps.

The cases and the roster come from the simulator's workload generator (so eligibility is as
sparse as the synthetic desk's: a few dozen skill-and-language classes, each open to a
fraction of the COps). Each round draws fresh COp loads, leaving some free capacity with
most COps, and times every policy on the same round. Prints p50 and max per policy, and the
size of the optimiser's reduced problem.

    python benchmarks/routing_decision.py [--cases 50000] [--cops 5000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from resolution_agent.agent.routing import (
    POLICY_NAMES,
    ClassTables,
    CopArrays,
    CostWeights,
    DecisionRound,
    WorkloadConfig,
    check_assignment,
    generate_workload,
    make_policy,
)
from resolution_agent.agent.routing._optimal import reduce_round


def build_rounds(cases: int, cops: int, rounds: int, seed: int) -> list[DecisionRound]:
    workload = generate_workload(WorkloadConfig(cops=cops, cases=cases, hours=24, seed=seed))
    arrays = CopArrays.from_cops(workload.cops)
    tables = ClassTables(arrays, workload.class_keys)
    rng = np.random.default_rng(seed)
    built: list[DecisionRound] = []
    for _ in range(rounds):
        # A backlog: everyone arrived in the last two hours, everyone is on shift.
        now = 7200.0
        waiting_since = np.sort(rng.uniform(0.0, now, size=cases))
        sla = workload.deadline - workload.arrival
        load = rng.integers(0, arrays.capacity + 1)
        built.append(
            DecisionRound(
                now=now,
                case_class=workload.case_class,
                priority=workload.priority,
                waiting_since=waiting_since,
                deadline=waiting_since + sla,
                free=(arrays.capacity - load).astype(np.int64),
                tables=tables,
            )
        )
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--cops", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rounds = build_rounds(args.cases, args.cops, args.rounds, args.seed)
    first = rounds[0]
    reduced = reduce_round(first, CostWeights())
    eligible_share = float(first.tables.eligible.mean())
    print(
        f"{args.cases} waiting cases, {args.cops} COps, {len(first.tables.keys)} case classes, "
        f"eligibility {eligible_share:.1%} of class-COp pairs, "
        f"{int(first.free.sum())} free slots in round 1"
    )
    if reduced is not None:
        problem = reduced[0]
        print(
            f"optimiser's reduced problem (round 1): {problem.n_candidates} candidate cases, "
            f"{problem.arc_group.size} eligible class-COp arcs, {problem.n_slots} slots"
        )
    for name in POLICY_NAMES:
        policy = make_policy(name)
        seconds: list[float] = []
        assigned = 0
        for decision in rounds:
            started = time.perf_counter()
            assignment = policy.assign(decision)
            seconds.append(time.perf_counter() - started)
            check_assignment(decision, assignment)
            assigned = assignment.size
        print(
            f"{name:8s} p50 {statistics.median(seconds):7.3f}s  max {max(seconds):7.3f}s  "
            f"({assigned} cases assigned in the last round)"
        )


if __name__ == "__main__":
    main()
