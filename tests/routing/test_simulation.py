"""The simulator: deterministic for a seed, same arrivals for every policy, invariants held."""

from __future__ import annotations

import numpy as np

from resolution_agent.agent.routing import (
    Simulator,
    WorkloadConfig,
    generate_workload,
    make_policy,
    run_simulation,
)

SMALL = WorkloadConfig(cops=30, cases=1500, hours=4, seed=3)
# Staff short for the demand, with a scam wave: urgent cases compete for the same people.
CONGESTED = WorkloadConfig(cops=40, cases=3000, hours=6, seed=2)


def test_same_seed_gives_identical_metrics() -> None:
    first = run_simulation(SMALL, ["fifo", "greedy", "optimal"])
    second = run_simulation(SMALL, ["fifo", "greedy", "optimal"])

    assert [r.metrics for r in first.results] == [r.metrics for r in second.results]


def test_another_seed_gives_another_day() -> None:
    first = run_simulation(SMALL, ["fifo"])
    other = run_simulation(SMALL.model_copy(update={"seed": 4}), ["fifo"])

    assert first.results[0].metrics != other.results[0].metrics


def test_workload_is_the_same_for_a_seed_and_sorted_by_arrival() -> None:
    a, b = generate_workload(SMALL), generate_workload(SMALL)

    assert np.array_equal(a.arrival, b.arrival) and np.array_equal(a.patience, b.patience)
    assert a.cops == b.cops
    assert (np.diff(a.arrival) >= 0).all()
    assert a.n_cases == SMALL.cases and len(a.cops) == SMALL.cops
    assert (a.arrival >= 0).all() and (a.arrival < a.horizon).all()


def test_every_case_ends_served_or_abandoned_and_no_cop_exceeds_capacity() -> None:
    workload = generate_workload(SMALL)
    simulator = Simulator(workload)
    capacity = np.array([c.capacity for c in workload.cops])
    for name in ("fifo", "greedy", "optimal"):
        outcome = simulator.run(make_policy(name))
        served = ~np.isnan(outcome.served_at)
        abandoned = ~np.isnan(outcome.abandoned_at)

        assert (served ^ abandoned).all()
        assert (outcome.peak_load <= capacity).all()
        assert (outcome.served_at[served] >= workload.arrival[served]).all()
        # A customer who gave up did so after their patience ran out, not before.
        gave_up = outcome.abandoned_at[abandoned] - workload.arrival[abandoned]
        assert np.allclose(gave_up, workload.patience[abandoned])


def test_served_cases_went_to_eligible_cops() -> None:
    workload = generate_workload(SMALL)
    outcome = Simulator(workload).run(make_policy("optimal"))
    served = np.flatnonzero(~np.isnan(outcome.served_at))
    for i in served[:300].tolist():
        skills, language = workload.class_keys[int(workload.case_class[i])]
        cop = workload.cops[int(outcome.cop[i])]
        assert skills <= cop.skills.keys() and language in cop.languages


def test_optimiser_beats_fifo_on_urgent_sla_when_congested() -> None:
    report = run_simulation(CONGESTED, ["fifo", "optimal"])
    fifo, optimal = (r.metrics for r in report.results)

    assert report.cases_by_priority["urgent"] > 100
    assert (
        optimal.by_priority["urgent"].sla_attainment
        > fifo.by_priority["urgent"].sla_attainment + 0.2
    )
    assert optimal.best_skill_share > fifo.best_skill_share
