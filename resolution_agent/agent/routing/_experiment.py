"""One simulated window, several policies, one report: the comparison the CLI prints."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from resolution_agent.agent.routing._costs import CostWeights
from resolution_agent.agent.routing._metrics import (
    PolicyResult,
    SimulationReport,
    policy_metrics,
    policy_timing,
)
from resolution_agent.agent.routing._model import Roster
from resolution_agent.agent.routing._policies import make_policy
from resolution_agent.agent.routing._simulation import Simulator
from resolution_agent.agent.routing._workload import WorkloadConfig, generate
from resolution_agent.agent.vocabulary import PRIORITY_RANK

Progress = Callable[[str], None]


def run_simulation(
    config: WorkloadConfig,
    policies: Sequence[str],
    *,
    interval: float = 20.0,
    tolerance: float = 0.05,
    weights: CostWeights | None = None,
    roster: Roster | None = None,
    progress: Progress | None = None,
) -> SimulationReport:
    """Draw the workload once, then run every policy on it (same arrivals for each).

    With ``roster`` its COps and handle times replace the synthetic ones.
    """
    if roster is not None:
        config = config.model_copy(
            update={"handle_times": roster.handle_times, "cops": len(roster.cops)}
        )
    workload = generate(config)
    if roster is not None:
        workload = dataclasses.replace(workload, cops=list(roster.cops))
    simulator = Simulator(workload, interval=interval)
    results: list[PolicyResult] = []
    for name in policies:
        outcome = simulator.run(make_policy(name, weights))
        result = PolicyResult(
            metrics=policy_metrics(workload, outcome, tolerance=tolerance),
            timing=policy_timing(outcome),
        )
        results.append(result)
        if progress is not None:
            progress(f"{name}: simulated in {result.timing.run_s:.1f}s")
    return SimulationReport(
        config=config,
        interval_s=interval,
        best_skill_tolerance=tolerance,
        cases_by_priority={
            p: int((workload.priority == rank).sum()) for p, rank in PRIORITY_RANK.items()
        },
        results=results,
    )
