"""Figures of a simulated run, per policy: waits, SLA attainment, skill fit, utilisation.

Definitions (also in the report): *wait* is arrival to assignment, over served cases; a case
*meets its SLA* when served by its deadline, so a customer who gave up counts as a miss;
*best skill* means served by a COp whose fit for the case was within ``tolerance`` of the
best fit among the eligible COps on shift at that moment; *utilisation* is busy slot-time
over on-shift slot-time within the simulated window. Timings are kept apart from the
figures because wall-clock time is the one thing a seed does not fix.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.routing._simulation import Outcome
from resolution_agent.agent.routing._tables import FloatArray
from resolution_agent.agent.routing._workload import Workload, WorkloadConfig
from resolution_agent.agent.vocabulary import PRIORITY_RANK, Priority


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PriorityMetrics(_Frozen):
    cases: int
    sla_attainment: float
    wait_mean_s: float
    wait_p90_s: float
    wait_p99_s: float
    abandonment: float


class QueuePoint(_Frozen):
    at_s: float
    waiting: int


class PolicyMetrics(_Frozen):
    """Deterministic for a seed: the same workload and policy give equal metrics."""

    policy: str
    cases: int
    served: int
    abandoned: int
    abandonment: float
    wait_mean_s: float
    wait_p90_s: float
    wait_p99_s: float
    wait_max_s: float
    by_priority: dict[Priority, PriorityMetrics]
    best_skill_share: float
    mean_fit: float
    utilisation: float
    queue: list[QueuePoint]


class PolicyTiming(_Frozen):
    """Wall-clock cost of the policy (varies run to run)."""

    rounds: int
    decide_total_s: float
    decide_p50_ms: float
    decide_p99_ms: float
    decide_max_ms: float
    run_s: float


class PolicyResult(_Frozen):
    metrics: PolicyMetrics
    timing: PolicyTiming


class SimulationReport(_Frozen):
    config: WorkloadConfig
    interval_s: float
    best_skill_tolerance: float
    cases_by_priority: dict[Priority, int]
    results: list[PolicyResult]


def _stats(values: FloatArray) -> tuple[float, float, float]:
    if values.size == 0:
        return 0.0, 0.0, 0.0
    p90, p99 = np.percentile(values, [90, 99])
    return float(values.mean()), float(p90), float(p99)


def policy_metrics(workload: Workload, outcome: Outcome, *, tolerance: float) -> PolicyMetrics:
    served = ~np.isnan(outcome.served_at)
    abandoned = ~np.isnan(outcome.abandoned_at)
    wait = outcome.served_at - workload.arrival
    on_time = served & (outcome.served_at <= workload.deadline)
    mean, p90, p99 = _stats(wait[served])
    by_priority: dict[Priority, PriorityMetrics] = {}
    for priority, rank in PRIORITY_RANK.items():
        mine = workload.priority == rank
        count = int(mine.sum())
        p_mean, p_p90, p_p99 = _stats(wait[served & mine])
        by_priority[priority] = PriorityMetrics(
            cases=count,
            sla_attainment=float(on_time[mine].sum() / count) if count else 1.0,
            wait_mean_s=p_mean,
            wait_p90_s=p_p90,
            wait_p99_s=p_p99,
            abandonment=float(abandoned[mine].sum() / count) if count else 0.0,
        )
    n = workload.n_cases
    best = outcome.fit[served] >= outcome.best_fit[served] - tolerance
    return PolicyMetrics(
        policy=outcome.policy,
        cases=n,
        served=int(served.sum()),
        abandoned=int(abandoned.sum()),
        abandonment=float(abandoned.sum() / n),
        wait_mean_s=mean,
        wait_p90_s=p90,
        wait_p99_s=p99,
        wait_max_s=float(wait[served].max()) if served.any() else 0.0,
        by_priority=by_priority,
        best_skill_share=float(best.mean()) if best.size else 0.0,
        mean_fit=float(outcome.fit[served].mean()) if served.any() else 0.0,
        utilisation=outcome.busy_seconds / outcome.available_seconds
        if outcome.available_seconds
        else 0.0,
        queue=[
            QueuePoint(at_s=float(t), waiting=int(q))
            for t, q in zip(outcome.queue_times, outcome.queue_lengths, strict=True)
        ],
    )


def policy_timing(outcome: Outcome) -> PolicyTiming:
    seconds = outcome.decision_seconds
    p50, p99 = (np.percentile(seconds, [50, 99]) * 1000) if seconds.size else (0.0, 0.0)
    return PolicyTiming(
        rounds=int(seconds.size),
        decide_total_s=float(seconds.sum()),
        decide_p50_ms=float(p50),
        decide_p99_ms=float(p99),
        decide_max_ms=float(seconds.max() * 1000) if seconds.size else 0.0,
        run_s=outcome.wall_seconds,
    )
