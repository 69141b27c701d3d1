"""The two exact solvers reach the same optimum; column generation changes nothing."""

from __future__ import annotations

import numpy as np
import pytest

from resolution_agent.agent.routing import CostWeights
from resolution_agent.agent.routing._optimal import reduce_round
from resolution_agent.agent.routing._solvers import (
    ReducedProblem,
    solve_by_assignment,
    solve_by_flow,
)
from tests.routing.builders import decision, random_desk


def problem(seed: int, n_cops: int, n_cases: int) -> ReducedProblem:
    cops, cases = random_desk(seed, n_cops=n_cops, n_cases=n_cases)
    reduced = reduce_round(decision(cops, cases), CostWeights())
    assert reduced is not None
    return reduced[0]


@pytest.mark.parametrize("seed", range(10))
def test_flow_and_slot_assignment_reach_the_same_optimum(seed: int) -> None:
    p = problem(seed, n_cops=15, n_cases=80)

    by_flow = solve_by_flow(p)
    by_assignment = solve_by_assignment(p)

    assert by_flow.objective(p) == pytest.approx(by_assignment.objective(p), rel=1e-9)
    assert by_flow.candidate.size == by_assignment.candidate.size


@pytest.mark.parametrize("seed", range(5))
def test_column_generation_from_a_tiny_start_keeps_the_optimum(seed: int) -> None:
    p = problem(50 + seed, n_cops=20, n_cases=300)

    full = solve_by_flow(p)
    grown = solve_by_flow(p, start=np.ones(p.n_groups, dtype=np.int64))

    assert grown.objective(p) == pytest.approx(full.objective(p), rel=1e-9)


def test_reduction_keeps_no_more_cases_per_class_than_it_has_eligible_slots() -> None:
    p = problem(3, n_cops=10, n_cases=400)
    slots_per_class = np.zeros(p.n_groups, dtype=np.int64)
    np.add.at(slots_per_class, p.arc_group, p.capacity[p.arc_cop])

    assert (np.bincount(p.group, minlength=p.n_groups) <= slots_per_class).all()
